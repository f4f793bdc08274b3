#!/usr/bin/env python3
"""End-to-end check of lrq's fp8_e5m2, mxfp8 and nvfp4 files with independent tools.

Generates tiny-flux with lrq-host, converts it with one format and one optimizer, then reads both
files with Python's `safetensors` and decodes everything in numpy with `ml_dtypes`
(float8_e5m2, float8_e4m3fn, float8_e8m0fnu, float4_e2m1fn), never with lrq:
  * the tensors, dtypes, shapes and `.comfy_quant` JSON that ComfyUI's loader reads for the format
    (weight, weight_scale, weight_scale_2 for nvfp4, in the input's order, nothing else changed);
  * block scales un-swizzled from the cuBLAS block-scaling layout by the formula written here, and
    equal to comfy-kitchen's quantizer formulas (E8M0 = ceil(log2(amax / 448)) + 127; NVFP4 tensor
    scale amax / 2688 and e4m3 block scales of (amax_block / 6) / tensor scale);
  * with rtn, codes equal to an independent round-to-nearest-even cast of W * multiplier, and the
    dequantized weight within half a grid step; with a learned optimizer, every code finite and the
    weight error within twice that of the round-to-nearest codes computed here.
"""

import argparse
import json
import pathlib
import subprocess
import sys

import ml_dtypes
import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "benchmarks"))
from check_conversion import CheckFailed, as_array, data_order, read_tensors, require  # noqa: E402
from quantized_files import E2M1_VALUES, unpack_e2m1, unswizzle  # noqa: E402

# format -> (lrq-host format name, .comfy_quant, weight dtype, block, scale dtype)
FORMATS = {
    "fp8_e5m2": ("fp8_e5m2", {"format": "float8_e5m2"}, "F8_E5M2", 0, "F32"),
    "mxfp8": ("mxfp8", {"format": "mxfp8"}, "F8_E4M3", 32, "U8"),
    "nvfp4": ("nvfp4", {"format": "nvfp4"}, "U8", 16, "F8_E4M3"),
}


def nearest_e2m1(x):
    """Round to the nearest e2m1 value, ties to the even code, keeping the sign."""
    magnitudes = E2M1_VALUES[:8].astype(np.float64)
    target = np.abs(x.astype(np.float64))[..., None]
    distance = np.abs(magnitudes - target)
    best = np.min(distance, axis=-1, keepdims=True)
    candidates = np.where(distance == best, np.arange(8), 99)
    even = np.where(candidates % 2 == 0, candidates, 99).min(axis=-1)
    code = np.where(even < 99, even, candidates.min(axis=-1))
    return np.where(np.signbit(x), code + 8, code).astype(np.uint8)


def grid_step_at(magnitude, grid):
    """The distance between neighbouring grid values around |value| (in grid units)."""
    if grid == "e2m1":
        return np.where(magnitude < 2, 0.5, np.where(magnitude < 4, 1.0, 2.0))
    mantissa, smallest_normal_exponent = (2, -14) if grid == "e5m2" else (3, -6)
    exponent = np.floor(np.log2(np.maximum(magnitude, 2.0 ** smallest_normal_exponent)))
    return 2.0 ** (exponent - mantissa)


def check_layer(prefix, original, output, fmt, learned):
    name, expected_config, weight_dtype, block, scale_dtype = FORMATS[fmt]
    config = json.loads(output[prefix + ".comfy_quant"][2].decode("utf-8"))
    require(config == expected_config, f"{prefix}.comfy_quant is {config}")
    weight = as_array(original[prefix + ".weight"]).astype(np.float32)
    rows, cols = weight.shape
    stored = output[prefix + ".weight"]
    require(stored[0] == weight_dtype, f"{prefix}.weight is {stored[0]}, expected {weight_dtype}")
    scale_entry = output[prefix + ".weight_scale"]
    require(scale_entry[0] == scale_dtype, f"{prefix}.weight_scale is {scale_entry[0]}")

    if fmt == "fp8_e5m2":
        require(stored[1] == [rows, cols] and scale_entry[1] == [], f"{prefix}: shapes {stored[1]}")
        multiplier = np.float32(57344) / np.maximum(np.abs(weight).max(), np.float32(1e-12))
        scale = as_array(scale_entry)
        require(scale == np.float32(1) / multiplier, f"{prefix}: scale differs from 1 / (57344 / amax)")
        cell_scale = np.full((rows, cols), scale, dtype=np.float64)
        codes = as_array(stored)
        values = codes.astype(np.float64)
        expected_codes = np.clip(weight * multiplier, -57344, 57344).astype(ml_dtypes.float8_e5m2)
        grid = "e5m2"
    else:
        cells = (rows, cols // block)
        padded = [-(-rows // 128) * 128, -(-cells[1] // 4) * 4]
        require(scale_entry[1] == padded, f"{prefix}.weight_scale shape {scale_entry[1]}, expected {padded}")
        stored_scales = np.frombuffer(scale_entry[2], dtype=np.uint8).reshape(padded)
        scale_codes = unswizzle(stored_scales, *cells)
        require(np.count_nonzero(stored_scales) == np.count_nonzero(scale_codes),
                f"{prefix}: swizzle padding is not zero")
        amax = np.abs(weight).reshape(rows, cells[1], block).max(axis=-1)
        if fmt == "mxfp8":
            require(stored[1] == [rows, cols], f"{prefix}.weight shape {stored[1]}")
            needed = np.maximum(amax / np.float32(448), np.float32(2.0 ** -127))
            exponent = np.clip(np.ceil(np.log2(needed.astype(np.float64))) + 127, 0, 254)
            expected = np.where(amax == 0, 0, exponent).astype(np.uint8)
            require(np.array_equal(scale_codes, expected), f"{prefix}: E8M0 scales differ")
            block_scale = scale_codes.view(ml_dtypes.float8_e8m0fnu).astype(np.float32)
            block_scale = np.where(scale_codes == 0, np.float32(0), block_scale)
            codes = as_array(stored)
            values = codes.astype(np.float64)
            multiplier = np.where(block_scale > 0, np.float32(1) / np.where(block_scale > 0, block_scale, 1), 0)
            scaled = np.clip(weight * np.repeat(multiplier, block, axis=1), -448, 448)
            expected_codes = scaled.astype(ml_dtypes.float8_e4m3fn)
            grid = "e4m3"
        else:
            require(stored[1] == [rows, cols // 2], f"{prefix}.weight shape {stored[1]}")
            tensor_scale = as_array(output[prefix + ".weight_scale_2"])
            require(tensor_scale.shape == () and tensor_scale == np.abs(weight).max() / np.float32(2688),
                    f"{prefix}.weight_scale_2 is {tensor_scale}, expected amax / 2688")
            wanted = np.minimum(amax / np.float32(6) / tensor_scale, np.float32(448))
            expected = wanted.astype(ml_dtypes.float8_e4m3fn).view(np.uint8)
            require(np.array_equal(scale_codes, expected), f"{prefix}: e4m3 block scales differ")
            block_scale = scale_codes.view(ml_dtypes.float8_e4m3fn).astype(np.float32) * tensor_scale
            codes = unpack_e2m1(np.frombuffer(stored[2], dtype=np.uint8).reshape(rows, cols // 2))
            values = E2M1_VALUES[codes].astype(np.float64)
            multiplier = np.where(block_scale > 0, np.float32(1) / np.where(block_scale > 0, block_scale, 1), 0)
            scaled = np.clip(weight * np.repeat(multiplier.astype(np.float32), block, axis=1), -6, 6)
            expected_codes = nearest_e2m1(scaled)
            grid = "e2m1"
        cell_scale = np.repeat(block_scale.astype(np.float64), block, axis=1)

    require(np.all(np.isfinite(values)), f"{prefix}: a code is NaN or infinite")
    restored = values * cell_scale
    rtn_values = E2M1_VALUES[expected_codes] if grid == "e2m1" else expected_codes.astype(np.float64)
    rtn_error = np.linalg.norm(rtn_values * cell_scale - weight)
    if learned:
        error = np.linalg.norm(restored - weight)
        require(error <= 2 * rtn_error * (1 + 1e-6),
                f"{prefix}: learned weight error {error:.3e} beyond twice RTN's {rtn_error:.3e}")
    else:
        stored_codes = codes if codes.dtype == np.uint8 else codes.view(np.uint8)
        expected_bytes = expected_codes if grid == "e2m1" else expected_codes.view(np.uint8)
        mismatches = np.count_nonzero(stored_codes != expected_bytes)
        require(mismatches == 0, f"{prefix}: {mismatches} codes differ from round-to-nearest-even")
        error = np.abs(restored - weight)
        unit = np.abs(weight / np.where(cell_scale > 0, cell_scale, 1))
        bound = 0.5 * grid_step_at(unit, grid) * cell_scale * (1 + 1e-6) + 1e-6 * np.abs(weight)
        worst = np.argmax(error - bound)
        require(np.all(error <= bound), f"{prefix}: dequantized error {error.flat[worst]:.3e} "
                                        f"above bound {bound.flat[worst]:.3e}")
    return np.linalg.norm(restored - weight) / np.linalg.norm(weight)


def check(work, host, recipe, fmt, optimizer, backend):
    work.mkdir(parents=True, exist_ok=True)
    model = work / "tiny-flux.safetensors"
    converted = work / "converted.safetensors"
    subprocess.run([host, "generate", "tiny-flux", "--output", str(model), "--dtype", "bf16"],
                   check=True, stdout=subprocess.DEVNULL)
    optimizer_settings = []
    if optimizer == "gptq":  # data-aware: synthetic correlated activation statistics
        stats = work / "stats.safetensors"
        subprocess.run([sys.executable, "-m", "lrq_capture.synthetic", str(model), "-o", str(stats),
                        "--samples", "2048", "--seed", "1"], check=True, stdout=subprocess.DEVNULL)
        optimizer_settings = ["--set", f"calibration.stats={stats}"]
    elif optimizer != "rtn":  # a few iterations in a small subspace: the file is checked, not the optimum
        optimizer_settings = ["--set", "optimizer.num_iter=20", "--set", "optimizer.min_k=16",
                              "--set", "optimizer.max_k=32"]
    subprocess.run([host, "run", recipe, "--input", str(model), "--output", str(converted),
                    "--overwrite", "--quiet", "--set", "bias_correction=false", "--format", FORMATS[fmt][0],
                    "--optimizer", optimizer, "--backend", backend, *optimizer_settings],
                   check=True, stdout=subprocess.DEVNULL)
    original = read_tensors(model)
    output = read_tensors(converted)
    input_order, _ = data_order(model)
    quantized = {name[: -len(".weight")] for name in input_order
                 if name.endswith(".weight") and name[: -len(".weight")] + ".comfy_quant" in output}
    second = fmt == "nvfp4"
    expected_order, errors = [], {}
    for tensor in input_order:
        prefix = tensor.rsplit(".", 1)[0]
        if tensor.endswith(".weight") and prefix in quantized:
            expected_order += [tensor, prefix + ".weight_scale"]
            expected_order += [prefix + ".weight_scale_2"] if second else []
            expected_order += [prefix + ".comfy_quant"]
            errors[prefix] = check_layer(prefix, original, output, fmt, optimizer != "rtn")
        else:
            expected_order.append(tensor)
            require(output[tensor] == original[tensor], f"{tensor} was not copied bit-exactly")
    require(data_order(converted)[0] == expected_order, "output tensors are not in the input's order")
    require(len(errors) >= 30, f"only {len(errors)} layers were quantized")
    print(f"{fmt} {optimizer} on {backend}: {len(errors)} layers checked, relative weight error "
          f"{min(errors.values()):.3e} .. {max(errors.values()):.3e}")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", required=True)
    parser.add_argument("--recipe", required=True)
    parser.add_argument("--work", required=True, type=pathlib.Path)
    parser.add_argument("--format", required=True, choices=sorted(FORMATS))
    parser.add_argument("--optimizer", default="rtn")
    parser.add_argument("--backend", default="cpu")
    arguments = parser.parse_args()
    try:
        check(arguments.work, arguments.host, arguments.recipe, arguments.format, arguments.optimizer,
              arguments.backend)
    except CheckFailed as failure:
        print(f"FAILED {arguments.format} {arguments.optimizer}: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
