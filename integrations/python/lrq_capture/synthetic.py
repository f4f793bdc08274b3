"""Synthetic activation statistics for a checkpoint's linear layers, without running the model.

For every 2-D float tensor of MODEL whose key ends in ".weight" (shape [N, K]; only the header is
read, so BF16 and FP8 checkpoints work), --samples N input vectors x of width K are drawn from

    x = mu + g Aᵀ + n ⊙ s,    g ~ N(0, I_d),  n ~ N(0, I_K)

where, per layer,
  s_i   = 10^U(-1, 1)             per-channel noise scales, log-uniform over 100x;
          then max(1, round(K/200)) channels, drawn without replacement, are scaled by 20
          (the outliers; round() rounds halves to even);
  mu_i ~ N(0, (0.5 s_i)^2)        the mean, with the outliers' s_i;
  A     [K, d]                    d = --dominant shared directions: independent Gaussian
          columns, each normalised to unit length and scaled by sqrt(E Σ s_i² / d), so that
          their total energy ‖A‖_F² is E = --dominant-energy times the noise's, E‖n ⊙ s‖² = Σ s_i².
The distribution (s, the outliers, mu, A) depends only on (--distribution-seed, key), the samples
(g, n) on (--seed, key) and the device: two files with one --distribution-seed and two --seed
values are a fit set and a held-out set of the same inputs. Samples are drawn with numpy
(--device cpu) or with torch on the GPU (--device cuda, faster on big models), in chunks of about
4M values, and accumulated with LayerAccumulator; samples differ between the two devices, the
distribution does not.
"""

import argparse
import hashlib
import os
import sys
import time

import numpy as np
from safetensors import SafetensorError, safe_open

from . import __version__
from .accumulator import LayerAccumulator
from .stats_file import write_stats

CHUNK_ELEMENTS = 1 << 22
_DISTRIBUTION, _SAMPLES = 0, 1  # the two random streams of a layer


def _rng(stream: int, seed: int, key: str) -> np.random.Generator:
    """A numpy generator determined by (stream, seed, key)."""
    digest = hashlib.sha256(key.encode()).digest()
    words = [int.from_bytes(digest[i:i + 4], "little") for i in range(0, 16, 4)]
    return np.random.default_rng([stream, seed, *words])


def layer_distribution(distribution_seed: int, key: str, k: int, *, dominant: int = 8,
                       dominant_energy: float = 4.0):
    """(mu [K], s [K], A [K, d]) of a layer, float64 numpy arrays (see the module docstring)."""
    rng = _rng(_DISTRIBUTION, distribution_seed, key)
    scales = 10.0 ** rng.uniform(-1.0, 1.0, k)
    scales[rng.choice(k, size=max(1, round(k / 200)), replace=False)] *= 20.0
    mean = rng.normal(0.0, 0.5 * scales)
    directions = rng.standard_normal((k, dominant))
    directions /= np.linalg.norm(directions, axis=0)
    directions *= np.sqrt(dominant_energy * np.sum(scales**2) / max(dominant, 1))
    return mean, scales, directions


def _sampler(seed: int, key: str, device: str):
    """(normal(shape) -> float64 standard normals, to_device(numpy array)) for `device`."""
    rng = _rng(_SAMPLES, seed, key)
    if device == "cpu":
        return rng.standard_normal, np.asarray
    import torch

    generator = torch.Generator(device).manual_seed(int(rng.integers(2**63)))
    return (lambda shape: torch.randn(shape, generator=generator, device=device,
                                      dtype=torch.float64),
            lambda array: torch.as_tensor(array, device=device))


def weight_widths(model_path) -> dict:
    """{key: K} of the 2-D float tensors of a safetensors file whose key ends in '.weight'."""
    try:
        with safe_open(os.fspath(model_path), framework="numpy") as file:
            shapes = {key: (file.get_slice(key).get_dtype(), file.get_slice(key).get_shape())
                      for key in file.keys()}
    except (SafetensorError, OSError) as error:
        raise ValueError(f"{model_path}: cannot read as safetensors ({error})") from None
    widths = {key: shape[1] for key, (dtype, shape) in shapes.items()
              if key.endswith(".weight") and len(shape) == 2 and dtype.startswith(("F", "BF"))}
    if not widths:
        raise ValueError(f"{model_path}: no 2-D float tensor whose key ends in '.weight'")
    return widths


def synthesize(model_path, output, *, samples: int, seed: int, distribution_seed: int = 0,
               device: str = "cpu", full_gram_limit: int = 4096, rank: int = 256,
               dtype: str = "float32", dominant: int = 8, dominant_energy: float = 4.0,
               log=print) -> None:
    """Writes synthetic statistics of every linear weight of `model_path` to `output`."""
    if samples < 1 or seed < 0 or distribution_seed < 0 or dominant < 0 or dominant_energy < 0:
        raise ValueError("samples must be >= 1; seeds, dominant and dominant energy >= 0")
    if device == "cuda":
        try:
            import torch
        except ImportError:
            raise ValueError("--device cuda needs torch, which is not installed") from None
        if not torch.cuda.is_available():
            raise ValueError("--device cuda: torch sees no CUDA device")
    start = time.monotonic()
    layers = {}
    for key, k in weight_widths(model_path).items():
        mean, scales, directions = layer_distribution(distribution_seed, key, k,
                                                      dominant=dominant,
                                                      dominant_energy=dominant_energy)
        normal, to_device = _sampler(seed, key, device)
        mean, scales, directions = to_device(mean), to_device(scales), to_device(directions)
        accumulator = LayerAccumulator(k, full_gram_limit=full_gram_limit, rank=rank)
        chunk = max(1, CHUNK_ELEMENTS // k)
        for begin in range(0, samples, chunk):
            rows = min(chunk, samples - begin)
            accumulator.update(mean + normal((rows, dominant)) @ directions.T
                               + normal((rows, k)) * scales)
        layers[key] = accumulator.finalize()
        form = "dense gram" if accumulator.dense else f"diagonal + rank {accumulator.rank}"
        log(f"{key}: K={k}, {form}, {samples} rows")
    write_stats(output, layers, producer=f"lrq_capture {__version__} (synthetic, {device})",
                samples=samples, dtype=dtype,
                metadata={"description": "synthetic activations (python3 -m "
                                         "lrq_capture.synthetic)",
                          "model": os.path.basename(os.fspath(model_path)), "seed": seed,
                          "distribution_seed": distribution_seed, "dominant": dominant,
                          "dominant_energy": dominant_energy})
    log(f"{len(layers)} layers, {samples} samples each, written to {output} in "
        f"{time.monotonic() - start:.1f} s")


def main(argv=None) -> int:
    """The command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python3 -m lrq_capture.synthetic", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="the checkpoint (.safetensors) whose layers to cover")
    parser.add_argument("-o", "--output", required=True, help="the statistics file to write")
    parser.add_argument("--samples", type=int, required=True, help="input vectors per layer")
    parser.add_argument("--seed", type=int, required=True, help="seed of the samples")
    parser.add_argument("--distribution-seed", type=int, default=0,
                        help="seed of the distribution (default 0)")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--full-gram-limit", type=int, default=4096,
                        help="largest K stored as a dense gram (default 4096)")
    parser.add_argument("--rank", type=int, default=256,
                        help="rank of the compact form's factor (default 256)")
    parser.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    parser.add_argument("--dominant", type=int, default=8,
                        help="number d of shared dominant directions (default 8)")
    parser.add_argument("--dominant-energy", type=float, default=4.0,
                        help="their total energy over the noise's (default 4.0)")
    args = parser.parse_args(argv)
    try:
        synthesize(args.model, args.output, samples=args.samples, seed=args.seed,
                   distribution_seed=args.distribution_seed, device=args.device,
                   full_gram_limit=args.full_gram_limit, rank=args.rank, dtype=args.dtype,
                   dominant=args.dominant, dominant_energy=args.dominant_energy)
    except (ValueError, OSError) as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
