#!/usr/bin/env python3
"""End-to-end check of one lrq conversion with independent tools.

Generates tiny-flux with lrq-host, converts it with lrq-host, then reads both files with Python's
`safetensors` (the reference reader), decodes FP8 with `ml_dtypes` and does every check in numpy:
the tensors, dtypes, shapes and `.comfy_quant` JSON that docs/comfyui-format.md names,
the original tensor order, bit-exact copies of what was not quantized, scales equal to the
reference tool's formulas (docs/comfyui-format.md) and codes equal to an independent
round-to-nearest-even cast (ml_dtypes for float8_e4m3fn, numpy rint for int8), and dequantized
weights within the stated bounds:
  fp8:  |W - q*scale| <= half an e4m3fn unit at |W/scale|, times scale
  int8: |W - q*scale| <= scale / 2
each with a float32 slack of 1e-6 relative.
"""

import argparse
import json
import pathlib
import struct
import subprocess
import sys

import ml_dtypes
import numpy as np
import safetensors

# variant -> (input dtype, lrq-host arguments, expected .comfy_quant, weight dtype,
#             scale kind, block, has input_scale)
VARIANTS = {
    "fp8-tensor": ("bf16", ["--format", "fp8"], {"format": "float8_e4m3fn"},
                   "F8_E4M3", "tensor", 0, False),
    "fp8-tensor-input-scale": ("bf16", ["--format", "fp8", "--set", "format.input_scale=true"],
                               {"format": "float8_e4m3fn"}, "F8_E4M3", "tensor", 0, True),
    "fp8-row": ("bf16", ["--format", "fp8", "--set", "format.scale=row"],
                {"format": "float8_e4m3fn_rowwise"}, "F8_E4M3", "row", 0, False),
    "fp8-block": ("bf16", ["--format", "fp8", "--set", "format.scale=block",
                           "--set", "format.block_size=64"],
                  {"format": "float8_e4m3fn_blockwise", "group_size": 64},
                  "F8_E4M3", "block", 64, False),
    "fp8-from-f16": ("f16", ["--format", "fp8"], {"format": "float8_e4m3fn"},
                     "F8_E4M3", "tensor", 0, False),
    "int8-block": ("bf16", ["--format", "int8_block"],
                   {"format": "int8_blockwise", "group_size": 128}, "I8", "block", 128, True),
    "int8-block64": ("f32", ["--format", "int8_block", "--set", "format.block_size=64"],
                     {"format": "int8_blockwise", "group_size": 64}, "I8", "block", 64, True),
    "int8-tensor": ("bf16", ["--format", "int8_block", "--set", "format.scale=tensor"],
                    {"format": "int8_tensorwise"}, "I8", "tensor", 0, False),
    "int8-row": ("bf16", ["--format", "int8_block", "--set", "format.scale=row"],
                 {"format": "int8_tensorwise", "per_row": True}, "I8", "row_column", 0, False),
    "bias-correction": ("f32", ["--format", "fp8"], {"format": "float8_e4m3fn"},
                        "F8_E4M3", "tensor", 0, False),
}
# Every variant but bias-correction converts without it, so that every other tensor must be
# copied bit for bit.
CORRECTS_BIASES = {"bias-correction"}

NUMPY_DTYPES = {
    "F32": np.float32, "F16": np.float16, "BF16": ml_dtypes.bfloat16,
    "F8_E4M3": ml_dtypes.float8_e4m3fn, "F8_E5M2": ml_dtypes.float8_e5m2, "I8": np.int8,
    "U8": np.uint8,
}


class CheckFailed(Exception):
    pass


def require(condition, message):
    if not condition:
        raise CheckFailed(message)


def read_tensors(path):
    """name -> (dtype, shape, raw bytes) through the safetensors reference reader."""
    with open(path, "rb") as handle:
        return {name: (info["dtype"], list(info["shape"]), bytes(info["data"]))
                for name, info in safetensors.deserialize(handle.read())}


def data_order(path):
    """Tensor names in the order of their data in the file, and the metadata."""
    with open(path, "rb") as handle:
        (length,) = struct.unpack("<Q", handle.read(8))
        header = json.loads(handle.read(length))
    metadata = header.pop("__metadata__", {})
    return sorted(header, key=lambda name: header[name]["data_offsets"][0]), metadata


def as_array(entry):
    dtype, shape, data = entry
    return np.frombuffer(data, dtype=NUMPY_DTYPES[dtype]).reshape(shape)


def e4m3fn_half_ulp(magnitude):
    exponent = np.floor(np.log2(np.maximum(magnitude, 2.0 ** -6)))
    return np.where(magnitude < 2.0 ** -6, 2.0 ** -10, 2.0 ** (exponent - 4))


def cell_absmax(weight, kind, block):
    """max |W| per scale cell, as a 2-D float32 array."""
    magnitude = np.abs(weight.astype(np.float32))
    rows, cols = weight.shape
    if kind == "tensor":
        return magnitude.max().reshape(1, 1)
    if kind in ("row", "row_column"):
        return magnitude.max(axis=1, keepdims=True)
    return magnitude.reshape(rows // block, block, cols // block, block).max(axis=(1, 3))


def reference_scales(amax, weight_dtype, kind):
    """(stored scale, quantization multiplier) per cell, in float32, by the reference's formulas."""
    one = np.float32(1)
    if np.all(amax == 0):
        return np.ones_like(amax), np.ones_like(amax)
    if weight_dtype == "F8_E4M3":
        multiplier = np.float32(448) / np.maximum(amax, np.float32(1e-12))
        return one / multiplier, multiplier
    if kind == "block":
        scale = np.maximum(amax / np.float32(127), np.float32(1e-8))
        return scale, one / scale
    if kind == "row_column":
        multiplier = np.float32(127) / np.maximum(amax, np.float32(1e-12))
        return one / multiplier, multiplier
    scale = np.maximum(amax, np.float32(1e-12)) / np.float32(127)
    return scale, one / scale


def expand_cells(cells, kind, block, shape):
    rows, cols = shape
    if kind == "block":
        return np.kron(cells, np.ones((block, block), dtype=cells.dtype))
    return np.broadcast_to(cells, (rows, cols))


def expanded_scale(scale, kind, block, shape):
    rows, cols = shape
    if kind == "tensor":
        require(scale.shape == (), f"per-tensor weight_scale must be 0-d, got {scale.shape}")
        return np.full(shape, scale, dtype=np.float64)
    if kind == "row":
        require(scale.shape == (rows,), f"row-wise fp8 scale must be [{rows}], got {scale.shape}")
        return np.repeat(scale.astype(np.float64)[:, None], cols, axis=1)
    if kind == "row_column":
        require(scale.shape == (rows, 1), f"row-wise int8 scale must be [{rows}, 1], got {scale.shape}")
        return np.repeat(scale.astype(np.float64), cols, axis=1)
    require(scale.shape == (rows // block, cols // block),
            f"block scale must be [{rows // block}, {cols // block}], got {scale.shape}")
    return np.kron(scale.astype(np.float64), np.ones((block, block)))


def dequantized(prefix, output, variant):
    """codes * scale of a written layer, in float64."""
    kind, block = variant[4], variant[5]
    codes = as_array(output[prefix + ".weight"])
    scale = as_array(output[prefix + ".weight_scale"])
    return codes.astype(np.float64) * expanded_scale(scale, kind, block, codes.shape)


def check_layer(prefix, original, output, variant):
    _, _, expected_config, weight_dtype, kind, block, has_input_scale = variant
    config_entry = output[prefix + ".comfy_quant"]
    require(config_entry[0] == "U8" and len(config_entry[1]) == 1,
            f"{prefix}.comfy_quant must be a 1-D U8 tensor, got {config_entry[0]} {config_entry[1]}")
    config = json.loads(config_entry[2].decode("utf-8"))
    require(config == expected_config, f"{prefix}.comfy_quant is {config}, expected {expected_config}")

    weight_entry = output[prefix + ".weight"]
    original_weight = as_array(original[prefix + ".weight"]).astype(np.float64)
    require(weight_entry[0] == weight_dtype, f"{prefix}.weight is {weight_entry[0]}")
    require(weight_entry[1] == list(original_weight.shape), f"{prefix}.weight shape changed")
    scale_entry = output[prefix + ".weight_scale"]
    require(scale_entry[0] == "F32", f"{prefix}.weight_scale is {scale_entry[0]}, must be F32")
    scale = as_array(scale_entry)
    require(np.all(np.isfinite(scale)) and np.all(scale > 0), f"{prefix}: scale not finite/positive")
    require((prefix + ".input_scale" in output) == has_input_scale,
            f"{prefix}.input_scale presence is wrong")
    if has_input_scale:
        input_scale = as_array(output[prefix + ".input_scale"])
        require(input_scale.shape == () and input_scale == 1.0, f"{prefix}.input_scale must be 1.0 []")

    codes = as_array(weight_entry)
    if weight_dtype == "I8":
        require(codes.min() >= -127, f"{prefix}: int8 code -128 written")
    else:
        require(not np.any(np.isnan(codes.astype(np.float32))), f"{prefix}: fp8 NaN written")

    weight32 = original_weight.astype(np.float32)
    cells = cell_absmax(weight32, kind, block)
    expected_scale, multiplier = reference_scales(cells, weight_dtype, kind)
    require(np.array_equal(scale.reshape(expected_scale.shape), expected_scale),
            f"{prefix}: weight_scale differs from the reference formula")
    limit = np.float32(448 if weight_dtype == "F8_E4M3" else 127)
    scaled = np.clip(weight32 * expand_cells(multiplier, kind, block, weight32.shape), -limit, limit)
    if weight_dtype == "I8":
        expected_codes = np.rint(scaled).astype(np.int8)
    else:
        expected_codes = scaled.astype(ml_dtypes.float8_e4m3fn)
    mismatches = np.count_nonzero(codes.view(np.uint8) != expected_codes.view(np.uint8))
    require(mismatches == 0, f"{prefix}: {mismatches} codes differ from round-to-nearest-even")
    full_scale = expanded_scale(scale, kind, block, original_weight.shape)
    restored = dequantized(prefix, output, variant)
    error = np.abs(restored - original_weight)
    if weight_dtype == "I8":
        bound = 0.5 * full_scale
    else:
        bound = e4m3fn_half_ulp(np.abs(original_weight / full_scale)) * full_scale
    bound = bound * (1 + 1e-6) + 1e-6 * np.abs(original_weight)
    worst = np.argmax(error - bound)
    require(np.all(error <= bound),
            f"{prefix}: dequantized error {error.flat[worst]:.3e} above bound {bound.flat[worst]:.3e}")
    return np.linalg.norm(restored - original_weight) / np.linalg.norm(original_weight)


def check_corrected_biases(corrections):
    """The corrected biases are b + x̄ (W - Ŵ)ᵀ for one x̄ per input width, that x̄ looking like the
    mean of calib_samples standard normal rows: x̄ is solved by least squares from the layers of a
    width together and must explain every layer's change, its entries of variance 1/3072."""
    for width, layers in sorted(corrections.items()):
        errors = np.vstack([error for error, _ in layers])
        changes = np.concatenate([change for _, change in layers])
        if errors.shape[0] < 2 * width:
            continue
        mean_input, *_ = np.linalg.lstsq(errors, changes, rcond=None)
        residual = np.linalg.norm(errors @ mean_input - changes) / np.linalg.norm(changes)
        require(residual < 1e-3, f"width {width}: bias changes are not one x̄ (W - Ŵ)ᵀ "
                                 f"(residual {residual:.2e})")
        # The sample standard deviation of `width` values has a relative spread of 1/sqrt(2 width).
        spread = np.std(mean_input) * np.sqrt(3072)
        allowed = 5.0 / np.sqrt(2.0 * width)
        require(abs(spread - 1.0) < allowed,
                f"width {width}: x̄ has spread {spread:.2f}, expected 1 ± {allowed:.2f}")
        print(f"width {width}: {len(layers)} corrected biases explained by one x̄ "
              f"(residual {residual:.1e}, spread {spread:.2f})")


def check_report(path, measured):
    """The report's relative weight errors agree with what numpy measured here."""
    with open(path) as handle:
        report = json.load(handle)
    reported = {layer["name"][: -len(".weight")]: layer["result"]["weight_error"]
                for layer in report["layers"] if layer["action"] == "quantize"}
    require(set(reported) == set(measured), "the report does not list the quantized layers")
    for prefix, error in measured.items():
        require(abs(reported[prefix] - error) <= 1e-5 * error,
                f"{prefix}: report says {reported[prefix]}, numpy measures {error}")


def check_provenance(metadata, model, corrects, arguments):
    """The output records lrq's version, the seed, the plugins and the recipe as it ran."""
    require({key for key in metadata if key.startswith("lrq.")} ==
            {"lrq.version", "lrq.recipe", "lrq.seed", "lrq.plugins"},
            f"provenance keys: {sorted(metadata)}")
    recipe = json.loads(metadata["lrq.recipe"])
    plugins = json.loads(metadata["lrq.plugins"])
    fmt = arguments[arguments.index("--format") + 1]
    require(recipe["input"] == model.name, f"recipe input {recipe['input']}")
    require("output" not in recipe and "overwrite" not in recipe, "output or overwrite recorded")
    require(recipe["format"]["name"] == fmt, f"recipe format {recipe['format']}")
    for setting in arguments[1::2]:  # "format.scale=row": the recipe holds the value set
        if setting.startswith("format."):
            key, value = setting[len("format."):].split("=")
            require(str(recipe["format"][key]).lower() == value, f"recipe format.{key}")
    require(recipe["bias_correction"] == corrects, "recipe bias_correction")
    require(metadata["lrq.seed"] == str(recipe["seed"]) == "0", "seed")
    require(list(plugins["format"]) == [fmt] and list(plugins["optimizer"]) == ["rtn"] and
            list(plugins["backend"]) == ["cpu"], f"plugins {plugins}")
    require(all(version for kind in plugins.values() for version in kind.values()),
            f"plugin versions {plugins}")


def check(work, host, recipe, name):
    variant = VARIANTS[name]
    work.mkdir(parents=True, exist_ok=True)
    model = work / "tiny-flux.safetensors"
    converted = work / "converted.safetensors"
    subprocess.run([host, "generate", "tiny-flux", "--output", str(model), "--dtype", variant[0]],
                   check=True, stdout=subprocess.DEVNULL)
    corrects = name in CORRECTS_BIASES
    subprocess.run([host, "run", recipe, "--input", str(model), "--output", str(converted),
                    "--overwrite", "--quiet", "--set", f"bias_correction={str(corrects).lower()}", *variant[1]],
                   check=True, stdout=subprocess.DEVNULL)

    original = read_tensors(model)
    output = read_tensors(converted)
    input_order, input_metadata = data_order(model)
    output_order, output_metadata = data_order(converted)
    kept = {key: value for key, value in output_metadata.items() if not key.startswith("lrq.")}
    require(kept == input_metadata, "the input's __metadata__ was not preserved")
    check_provenance(output_metadata, model, corrects, variant[1])

    quantized = {tensor[: -len(".weight")] for tensor in input_order
                 if tensor.endswith(".weight") and tensor[: -len(".weight")] + ".comfy_quant" in output}
    expected_order = []
    errors = {}
    corrections = {}
    for tensor in input_order:
        prefix = tensor.rsplit(".", 1)[0]
        if tensor.endswith(".weight") and prefix in quantized:
            expected_order += [tensor, prefix + ".weight_scale"]
            expected_order += [prefix + ".input_scale"] if variant[6] else []
            expected_order += [prefix + ".comfy_quant"]
            errors[prefix] = check_layer(prefix, original, output, variant)
        elif corrects and tensor.endswith(".bias") and prefix in quantized:
            expected_order.append(tensor)
            require(output[tensor][:2] == original[tensor][:2], f"{tensor} changed dtype or shape")
            weight = as_array(original[prefix + ".weight"]).astype(np.float64)
            restored = dequantized(prefix, output, variant)
            change = as_array(output[tensor]).astype(np.float64) - as_array(original[tensor])
            corrections.setdefault(weight.shape[1], []).append((weight - restored, change))
        else:
            expected_order.append(tensor)
            require(output[tensor] == original[tensor], f"{tensor} was not copied bit-exactly")
    require(output_order == expected_order, "output tensors are not in the input's order")
    require(len(errors) >= 30, f"only {len(errors)} layers were quantized")
    if corrects:
        require(corrections, "no bias was corrected")
        check_corrected_biases(corrections)
    check_report(work / "converted.report.json", errors)
    print(f"{name}: {len(errors)} layers checked, relative weight error "
          f"{min(errors.values()):.3e} .. {max(errors.values()):.3e}")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", required=True)
    parser.add_argument("--recipe", required=True)
    parser.add_argument("--work", required=True, type=pathlib.Path)
    parser.add_argument("--variant", required=True, choices=sorted(VARIANTS))
    arguments = parser.parse_args()
    try:
        check(arguments.work, arguments.host, arguments.recipe, arguments.variant)
    except CheckFailed as failure:
        print(f"FAILED {arguments.variant}: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
