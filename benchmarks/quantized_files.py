"""Reading lrq's output with numpy, independently of lrq: every tensor of a safetensors file, and a
quantized layer's weight decoded from its codes, scales and `.comfy_quant` config. Shared by the
quality scripts beside this file."""

import json

import ml_dtypes
import numpy as np
import safetensors

DTYPES = {"F32": np.float32, "F16": np.float16, "BF16": ml_dtypes.bfloat16,
          "F8_E4M3": ml_dtypes.float8_e4m3fn, "I8": np.int8, "U8": np.uint8, "I64": np.int64,
          "F64": np.float64}

# lrq-host run arguments of the formats the quality scripts compare.
FORMATS = {
    "fp8": ["--format", "fp8"],
    "int8-block128": ["--format", "int8_block", "--set", "format.block_size=128"],
}


def tensors(path):
    """{name: numpy array} of every tensor in the safetensors file at `path`."""
    with open(path, "rb") as handle:
        return {name: np.frombuffer(bytes(info["data"]), DTYPES[info["dtype"]]).reshape(info["shape"])
                for name, info in safetensors.deserialize(handle.read())}


def dequantize(output, prefix):
    """The float64 weight of quantized layer `prefix` in `output` (per-tensor, per-row or block
    scales)."""
    codes = output[prefix + ".weight"].astype(np.float64)
    scale = output[prefix + ".weight_scale"].astype(np.float64)
    config = json.loads(output[prefix + ".comfy_quant"].tobytes())
    if config["format"].endswith("_blockwise"):
        # ComfyUI's fallbacks where the config has no group_size: 64 for fp8, 128 for int8.
        block = config.get("group_size", 64 if config["format"].startswith("float8") else 128)
        scale = np.kron(scale, np.ones((block, block)))
    elif scale.ndim == 1:
        scale = scale[:, None]
    return codes * scale
