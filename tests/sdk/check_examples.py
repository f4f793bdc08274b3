#!/usr/bin/env python3
"""Checks a conversion with the SDK examples built out of tree (examples/out-of-tree-plugin):
generates the Acme model, converts it with acme-fp8-clip.yaml through the installed lrq-host and
the example plugins, and reads the result back with numpy (benchmarks/quantized_files.py), not
with lrq:
  - lrq-host picked the acme profile by itself (profile: auto);
  - exactly the blocks' 2-D weights after block 0 were quantized, each a stock-ComfyUI
    float8_e4m3fn layer (F8_E4M3 codes, a 0-d F32 weight_scale, its .comfy_quant);
  - every other tensor was copied bit for bit, but the corrected biases of quantized layers;
  - each layer's scale is one of fp8_clip's candidates (clip = fraction * amax, the clip mapped
    to 448), its codes are that scale's round-to-nearest-even, and no other candidate rounds the
    weight closer (numpy's Frobenius norm, ties within 1e-6 relative);
  - some layer was clipped below its amax, so the search did something.
"""

import argparse
import json
import pathlib
import subprocess
import sys

import ml_dtypes
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "examples" / "out-of-tree-plugin"))
import quantized_files  # noqa: E402
from make_acme_model import acme_model  # noqa: E402
from safetensors.numpy import save_file  # noqa: E402

# acme-fp8-clip.yaml's fp8_clip options.
MIN_FRACTION = 0.9
STEPS = 10
E4M3FN_MAX = np.float32(448)


class CheckFailed(Exception):
    pass


def require(condition, message):
    if not condition:
        raise CheckFailed(message)


def candidates(weight):
    """(fraction, scale, codes, error) per clip fp8_clip tries, in its order, with its float32
    arithmetic."""
    weight32 = weight.astype(np.float32)
    amax = np.max(np.abs(weight32))
    fractions = [1.0] + [1.0 - step * (1.0 - MIN_FRACTION) / STEPS for step in range(1, STEPS + 1)]
    tried = []
    for fraction in fractions:
        clip = np.float32(fraction) * amax
        multiplier = E4M3FN_MAX / np.maximum(clip, np.float32(1e-12))
        scale = np.float32(1) / multiplier
        codes = np.clip(weight32 * multiplier, -E4M3FN_MAX, E4M3FN_MAX).astype(ml_dtypes.float8_e4m3fn)
        error = np.linalg.norm(weight.astype(np.float64) - codes.astype(np.float64) * np.float64(scale))
        tried.append((fraction, scale, codes, error))
    return tried


def check_layer(prefix, weight, output):
    require(json.loads(output[prefix + ".comfy_quant"].tobytes()) == {"format": "float8_e4m3fn"},
            f"{prefix}.comfy_quant is not float8_e4m3fn")
    codes = output[prefix + ".weight"]
    scale = output[prefix + ".weight_scale"]
    require(codes.dtype == ml_dtypes.float8_e4m3fn and codes.shape == weight.shape,
            f"{prefix}.weight is {codes.dtype} {codes.shape}")
    require(scale.dtype == np.float32 and scale.shape == (), f"{prefix}.weight_scale is not a 0-d F32")
    tried = candidates(weight)
    chosen = [entry for entry in tried if entry[1] == scale]
    require(chosen, f"{prefix}: scale {scale} is none of fp8_clip's candidates")
    fraction, _, expected_codes, error = chosen[0]
    require(np.array_equal(codes.view(np.uint8), expected_codes.view(np.uint8)),
            f"{prefix}: codes differ from round-to-nearest-even at the chosen scale")
    best = min(entry[3] for entry in tried)
    require(error <= best * (1 + 1e-6), f"{prefix}: clip {fraction:.2f} rounds with error {error:.6e}, "
                                        f"another candidate with {best:.6e}")
    restored = quantized_files.dequantize(output, prefix)
    require(np.isclose(np.linalg.norm(restored - weight), error, rtol=1e-9),
            f"{prefix}: the dequantized weight does not match")
    return fraction, error / tried[0][3]


def check(host, plugin_directories, recipe, work):
    work.mkdir(parents=True, exist_ok=True)
    model_path = work / "acme-tiny.safetensors"
    converted_path = work / "acme-tiny-fp8-clip.safetensors"
    model = acme_model(seed=0)
    save_file(model, str(model_path))
    arguments = [host, "run", str(recipe), "--input", str(model_path), "--output", str(converted_path),
                 "--overwrite"]
    for directory in plugin_directories:
        arguments += ["--plugin-dir", directory]
    run = subprocess.run(arguments, check=True, capture_output=True, text=True)
    print(run.stdout + run.stderr)
    require("model profile: acme (auto" in run.stderr, "lrq-host did not pick the acme profile")

    output = quantized_files.tensors(converted_path)
    quantized = sorted(name[: -len(".weight")] for name, tensor in model.items()
                       if name.startswith("acme.blocks.") and not name.startswith("acme.blocks.0.")
                       and name.endswith(".weight") and tensor.ndim == 2)
    written = sorted(name[: -len(".comfy_quant")] for name in output if name.endswith(".comfy_quant"))
    require(written == quantized, f"quantized layers {written}, expected {quantized}")
    for name, tensor in model.items():
        if name.rsplit(".", 1)[0] in quantized:
            continue
        require(output[name].dtype == tensor.dtype and np.array_equal(output[name], tensor),
                f"{name} was not copied bit for bit")
    clipped = 0
    for prefix in quantized:
        fraction, ratio = check_layer(prefix, model[prefix + ".weight"], output)
        clipped += fraction < 1.0
        print(f"{prefix}: clip {fraction:.2f} x amax, error {ratio:.4f}x the amax scale's")
    require(clipped > 0, "no layer was clipped below its amax")
    print(f"{len(quantized)} fp8_clip layers checked, {clipped} clipped below amax")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", required=True, help="the installed lrq-host")
    parser.add_argument("--plugin-dir", action="append", required=True, help="the examples' plugins")
    parser.add_argument("--recipe", required=True, type=pathlib.Path)
    parser.add_argument("--work", required=True, type=pathlib.Path)
    arguments = parser.parse_args()
    try:
        check(arguments.host, arguments.plugin_dir, arguments.recipe, arguments.work)
    except CheckFailed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
