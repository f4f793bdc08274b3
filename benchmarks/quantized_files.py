"""Reading lrq's output with numpy, independently of lrq: every tensor of a safetensors file, and a
quantized layer's weight decoded from its codes, scales and `.comfy_quant` config. Shared by the
quality scripts beside this file."""

import json

import ml_dtypes
import numpy as np
import safetensors

DTYPES = {"F32": np.float32, "F16": np.float16, "BF16": ml_dtypes.bfloat16,
          "F8_E4M3": ml_dtypes.float8_e4m3fn, "F8_E5M2": ml_dtypes.float8_e5m2, "I8": np.int8,
          "U8": np.uint8, "I64": np.int64, "F64": np.float64}

# lrq-host run arguments of the formats the quality scripts compare, and the `.comfy_quant`
# format each writes.
FORMATS = {
    "fp8": ["--format", "fp8"],
    "int8-block128": ["--format", "int8_block", "--set", "format.block_size=128"],
    "fp8-e5m2": ["--format", "fp8_e5m2"],
    "mxfp8": ["--format", "mxfp8"],
    "nvfp4": ["--format", "nvfp4"],
}
COMFY_FORMATS = {"fp8": "float8_e4m3fn", "int8-block128": "int8_blockwise",
                 "fp8-e5m2": "float8_e5m2", "mxfp8": "mxfp8", "nvfp4": "nvfp4"}

E2M1_VALUES = np.array([0, 0.5, 1, 1.5, 2, 3, 4, 6, -0.0, -0.5, -1, -1.5, -2, -3, -4, -6],
                       dtype=np.float32)


def tensors(path):
    """{name: numpy array} of every tensor in the safetensors file at `path`."""
    with open(path, "rb") as handle:
        return {name: np.frombuffer(bytes(info["data"]), DTYPES[info["dtype"]]).reshape(info["shape"])
                for name, info in safetensors.deserialize(handle.read())}


def unswizzle(stored, rows, cols):
    """The logical [rows, cols] block scale codes from the cuBLAS block-scaling layout: 128 x 4
    tiles of 512 bytes, rows interleaved by 32."""
    padded_cols = -(-cols // 4) * 4
    r, c = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    position = ((r // 128) * (padded_cols // 4) + c // 4) * 512 + (r % 32) * 16 + \
        ((r % 128) // 32) * 4 + c % 4
    return np.asarray(stored).view(np.uint8).reshape(-1)[position]


def unpack_e2m1(packed):
    """The e2m1 codes of a U8 [rows, cols / 2] weight, the high nibble first."""
    return np.stack([packed >> 4, packed & 0x0F], axis=-1).reshape(packed.shape[0], -1)


def block_scaled(output, prefix, block):
    """(values, per-element scale) of an mxfp8 or nvfp4 layer, in float64."""
    if block == 16:
        values = E2M1_VALUES[unpack_e2m1(output[prefix + ".weight"])].astype(np.float64)
    else:
        values = output[prefix + ".weight"].astype(np.float64)
    rows, cols = values.shape
    codes = unswizzle(output[prefix + ".weight_scale"], rows, cols // block)
    if block == 16:
        cells = codes.view(ml_dtypes.float8_e4m3fn).astype(np.float64) * \
            output[prefix + ".weight_scale_2"].astype(np.float64)
    else:
        cells = np.where(codes == 0, 0.0, np.exp2(codes.astype(np.float64) - 127))
    return values, np.repeat(cells, block, axis=1)


def dequantize(output, prefix):
    """The float64 weight of quantized layer `prefix` in `output` (per-tensor, per-row, block or
    MX/NV block scales)."""
    config = json.loads(output[prefix + ".comfy_quant"].tobytes())
    if config["format"] in ("mxfp8", "nvfp4"):
        values, scale = block_scaled(output, prefix, 32 if config["format"] == "mxfp8" else 16)
        return values * scale
    codes = output[prefix + ".weight"].astype(np.float64)
    scale = output[prefix + ".weight_scale"].astype(np.float64)
    if config["format"].endswith("_blockwise"):
        # ComfyUI's fallbacks where the config has no group_size: 64 for fp8, 128 for int8.
        block = config.get("group_size", 64 if config["format"].startswith("float8") else 128)
        scale = np.kron(scale, np.ones((block, block)))
    elif scale.ndim == 1:
        scale = scale[:, None]
    return codes * scale
