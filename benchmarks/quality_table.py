#!/usr/bin/env python3
"""Quality of lrq's optimizers per layer, measured independently with numpy.

Generates a model with `lrq-host generate`, converts it once per (format, optimizer, mode) and
reports, per layer, these relative errors:
  weight     ||W - Ŵ|| / ||W||
  projected  ||U_kᵀ (W - Ŵ) V_k|| / ||U_kᵀ W V_k||, U_k, V_k the exact top-k singular vectors of W
             with k from the reference's rank rule (top_p 0.2, min_k 256, max_k 1280)
  gaussian   ||X (W - Ŵ)ᵀ|| / ||X Wᵀ|| for standard normal X
  aniso      the same for anisotropic X: per-channel scales spanning 100x, a few outlier channels
Numbers come from the written files (decoded with ml_dtypes), not from lrq's own report.

  benchmarks/quality_table.py --host build/bin/lrq-host --model flux-block-small \\
      --work /tmp/quality [--optimizers rtn,original,adamw,radam] [--samples 1024]
"""

import argparse
import pathlib
import subprocess
import sys

import numpy as np

from quantized_files import FORMATS, dequantize, tensors


def rank(rows, cols):
    r = min(rows, cols)
    return min(min(1280, max(256, int(0.2 * r))), r)


def inputs(width, samples, rng):
    gaussian = rng.standard_normal((samples, width))
    channel_scale = np.exp(rng.uniform(0.0, np.log(100.0), width))
    channel_scale[rng.choice(width, max(1, width // 256), replace=False)] *= 10.0
    return gaussian, gaussian * channel_scale


def relative(a, b):
    return float(np.linalg.norm(a) / np.linalg.norm(b))


def measure(weight, restored, svd, xs):
    u, v = svd
    error = weight - restored
    numbers = {"weight": relative(error, weight),
               "projected": relative(u.T @ error @ v, u.T @ weight @ v)}
    for name, x in xs.items():
        numbers[name] = relative(x @ error.T, x @ weight.T)
    return numbers


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", required=True)
    parser.add_argument("--model", default="flux-block-small")
    parser.add_argument("--work", required=True, type=pathlib.Path)
    parser.add_argument("--optimizers", default="rtn,original,adamw,radam")
    parser.add_argument("--samples", type=int, default=1024)
    parser.add_argument("--extra", default="", help="more lrq-host run arguments, space separated")
    arguments = parser.parse_args()
    work = arguments.work
    work.mkdir(parents=True, exist_ok=True)
    recipe = pathlib.Path(__file__).resolve().parent.parent / "configs" / "example-fp8.yaml"
    model = work / f"{arguments.model}.safetensors"
    if not model.exists():
        subprocess.run([arguments.host, "generate", arguments.model, "--output", str(model)],
                       check=True, stdout=subprocess.DEVNULL)
    original = tensors(model)
    rng = np.random.default_rng(0)
    layers = {}
    for name, value in original.items():
        if name.endswith(".weight") and value.ndim == 2:
            weight = value.astype(np.float64)
            u, _, vt = np.linalg.svd(weight, full_matrices=False)
            k = rank(*weight.shape)
            gaussian, aniso = inputs(weight.shape[1], arguments.samples, rng)
            layers[name[: -len(".weight")]] = (weight, (u[:, :k], vt[:k].T),
                                               {"gaussian": gaussian, "aniso": aniso})

    rows = []
    for format_name, format_arguments in FORMATS.items():
        for optimizer in arguments.optimizers.split(","):
            modes = [False] if optimizer == "rtn" else [False, True]
            for compat in modes:
                label = f"{optimizer}{' (reference_compat)' if compat else ''}"
                output = work / f"{format_name}-{optimizer}-{int(compat)}.safetensors"
                command = [arguments.host, "run", str(recipe), "--input", str(model), "--output",
                           str(output), "--overwrite", "--quiet", "--optimizer", optimizer, *format_arguments,
                           "--set", f"reference_compat={str(compat).lower()}",
                           *arguments.extra.split()]
                subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
                written = tensors(output)
                for prefix, (weight, svd, xs) in layers.items():
                    if prefix + ".comfy_quant" not in written:
                        continue
                    numbers = measure(weight, dequantize(written, prefix), svd, xs)
                    rows.append((format_name, prefix, label, numbers))
                    print(f"{format_name:14s} {prefix:34s} {label:30s} "
                          + " ".join(f"{key} {value:.4e}" for key, value in numbers.items()),
                          flush=True)

    print("\n| format | layer | optimizer | weight | projected | output (gaussian) | output (aniso) |")
    print("|---|---|---|---|---|---|---|")
    for format_name, prefix, label, numbers in rows:
        print(f"| {format_name} | {prefix} | {label} | {numbers['weight']:.4e} | "
              f"{numbers['projected']:.4e} | {numbers['gaussian']:.4e} | {numbers['aniso']:.4e} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
