#!/usr/bin/env python3
"""A stale `_quantization_metadata` entry in the input does not reach the output.

ComfyUI applies every entry of the `_quantization_metadata` header over the tensors: it writes
`<layer>.comfy_quant` from the entry, and the layer is then loaded as a quantized one, which needs a
quantized weight and the format's scales (docs/comfyui-format.md). An input whose
header names a layer lrq keeps in high precision (tiny-flux's `final_layer.linear`, which the flux
profile keeps) and a layer the file lacks is converted with `lrq-host quantize`; this script then
reads the input and the output the way ComfyUI reads that header, with its own code, and requires
that the input would be refused and the output loads, with the stale entries gone.
"""

import argparse
import json
import pathlib
import struct
import subprocess
import sys

# ComfyUI's formats (QUANT_ALGOS) that lrq's fp8 and int8 write: the weight's storage dtype and
# the scale tensors the loader pops.
FORMATS = {
    "float8_e4m3fn": ("F8_E4M3", ["weight_scale"]),
    "float8_e5m2": ("F8_E5M2", ["weight_scale"]),
    "int8_tensorwise": ("I8", ["weight_scale"]),
    "mxfp8": ("F8_E4M3", ["weight_scale"]),
    "nvfp4": ("U8", ["weight_scale", "weight_scale_2"]),
}
KEPT = "final_layer.linear"       # kept in high precision by the flux profile
ABSENT = "blocks.99.gone"         # no such layer in the file
QUANTIZED = "double_blocks.0.img_attn.qkv"


class Refused(Exception):
    pass


def read_header(path):
    with open(path, "rb") as handle:
        length = struct.unpack("<Q", handle.read(8))[0]
        header = json.loads(handle.read(length))
        data = handle.read()
    return header, data


def write_with_metadata(source, target, metadata):
    header, data = read_header(source)
    header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(target, "wb") as handle:
        handle.write(struct.pack("<Q", len(text)) + text + data)


def comfy_quant_tensors(header, data):
    """Layer prefix -> the config its `.comfy_quant` tensor holds."""
    configs = {}
    for name, info in header.items():
        if name.endswith(".comfy_quant"):
            start, end = info["data_offsets"]
            configs[name[: -len(".comfy_quant")]] = json.loads(data[start:end])
    return configs


def comfyui_load(path):
    """What ComfyUI's loader does with the header and the tensors' names and dtypes: raises Refused
    where it would fail. Returns the layers it loads quantized, with their configs."""
    header, data = read_header(path)
    metadata = header.pop("__metadata__", {})
    configs = comfy_quant_tensors(header, data)
    if "_quantization_metadata" in metadata:
        entry = json.loads(metadata["_quantization_metadata"])
        if not isinstance(entry.get("layers"), dict):
            raise Refused("_quantization_metadata has no layers")
        configs.update(entry["layers"])  # the entry overrides the tensor
    for prefix, config in configs.items():
        weight = header.get(prefix + ".weight")
        if weight is None:
            raise Refused(f"{prefix}: quantized config but no weight")
        if config.get("format") not in FORMATS:
            raise Refused(f"{prefix}: unknown format {config.get('format')}")
        dtype, scales = FORMATS[config["format"]]
        if weight["dtype"] != dtype:
            raise Refused(f"{prefix}: {config['format']} over a {weight['dtype']} weight")
        for scale in scales:
            if prefix + "." + scale not in header:
                raise Refused(f"{prefix}: {config['format']} without {scale}")
    return configs


def require(condition, message):
    if not condition:
        sys.exit(f"FAILED: {message}")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", required=True)
    parser.add_argument("--work", required=True, type=pathlib.Path)
    arguments = parser.parse_args()
    work = arguments.work
    work.mkdir(parents=True, exist_ok=True)
    generated = work / "generated.safetensors"
    model = work / "tiny-flux-bf16.safetensors"
    output = work / "tiny-flux-fp8.safetensors"
    subprocess.run([arguments.host, "generate", "tiny-flux", "--output", str(generated)],
                   check=True, stdout=subprocess.DEVNULL)
    stale = {"format_version": "1.0",
             "layers": {KEPT: {"format": "float8_e4m3fn"}, ABSENT: {"format": "float8_e4m3fn"},
                        QUANTIZED: {"format": "int8_tensorwise"}}}
    write_with_metadata(generated, model, {"_quantization_metadata": json.dumps(stale),
                                           "author": "someone"})
    try:
        comfyui_load(model)
        require(False, "the input should be refused: its header names a high-precision layer")
    except Refused as why:
        print(f"input refused as ComfyUI would: {why}")

    run = subprocess.run([arguments.host, "quantize", str(model), "--model", "flux", "--overwrite",
                          "--quiet"], capture_output=True, text=True)
    require(run.returncode == 0, f"lrq-host quantize failed: {run.stderr}")
    require(run.stdout.strip() == str(output), f"derived output {run.stdout!r}")
    require(f"'{KEPT}'" in run.stderr and f"'{ABSENT}'" in run.stderr,
            f"the warning names the dropped layers: {run.stderr}")

    try:
        configs = comfyui_load(output)
    except Refused as why:
        require(False, f"ComfyUI would refuse the output: {why}")
    header, data = read_header(output)
    metadata = header.pop("__metadata__")
    layers = json.loads(metadata["_quantization_metadata"])["layers"]
    require(KEPT not in layers and ABSENT not in layers, f"stale entries kept: {sorted(layers)}")
    require(header[KEPT + ".weight"]["dtype"] == "BF16", "the kept layer is not high precision")
    # Every quantized layer has an entry equal to its tensor (the one for QUANTIZED rewritten).
    require(layers == comfy_quant_tensors(header, data) == configs, "entries and tensors differ")
    require(layers[QUANTIZED] == {"format": "float8_e4m3fn"}, f"{QUANTIZED}: {layers[QUANTIZED]}")
    require(metadata["author"] == "someone", "the rest of the metadata was not kept")
    print(f"ok: {len(configs)} quantized layers load; dropped {KEPT}, {ABSENT}")


if __name__ == "__main__":
    main()
