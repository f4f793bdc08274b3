#!/usr/bin/env python3
"""Writes the fuzzers' seed corpus, corpus/<target>/<seed>, from small hand-made inputs and the
recipes of configs/. Run it again after changing it; scripts/fuzz.sh only reads the corpus."""
import json
import struct
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def safetensors(tensors, metadata=None):
    """tensors: [(name, dtype, shape, bytes)] -> the file's bytes, data in the given order."""
    header, data = {}, b""
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, dtype, shape, payload in tensors:
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [len(data), len(data) + len(payload)]}
        data += payload
    text = json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<Q", len(text)) + text + data


def f32(values):
    return struct.pack(f"<{len(values)}f", *values)


def f64(values):
    return struct.pack(f"<{len(values)}d", *values)


def i64(value):
    return struct.pack("<q", value)


COMFY_QUANT = b'{"format": "float8_e4m3fn"}'
QUANT_METADATA = json.dumps({"format_version": "1.0", "layers": {
    "blocks.0.linear": {"format": "float8_e4m3fn"},
    "blocks.1.linear": {"format": "int8_blockwise", "group_size": 128}}})


def safetensors_files():
    yield "plain", safetensors([("a.weight", "F32", [2, 2], f32([1, 2, 3, 4])),
                                ("a.bias", "F16", [2], b"\x00\x3c\x00\x40")])
    yield "metadata", safetensors([("w", "BF16", [1, 3], b"\x80\x3f" * 3)],
                                  {"format": "pt", "lrq.version": "0.1.0"})
    yield "quantized-layer", safetensors(
        [("blocks.0.linear.weight", "F8_E4M3", [2, 4], bytes(range(8))),
         ("blocks.0.linear.weight_scale", "F32", [], f32([0.5])),
         ("blocks.0.linear.comfy_quant", "U8", [len(COMFY_QUANT)], COMFY_QUANT),
         ("blocks.1.linear.weight", "I8", [2, 2], b"\x01\xff\x7f\x80")],
        {"_quantization_metadata": QUANT_METADATA})
    yield "every-dtype", safetensors(
        [(dtype.lower(), dtype, [2], bytes(2 * size)) for dtype, size in
         [("F64", 8), ("F32", 4), ("F16", 2), ("BF16", 2), ("F8_E4M3", 1), ("F8_E5M2", 1),
          ("I64", 8), ("I32", 4), ("I16", 2), ("I8", 1), ("U64", 8), ("U32", 4), ("U16", 2),
          ("U8", 1), ("BOOL", 1)]])
    yield "empty-tensor", safetensors([("empty", "F32", [0, 4], b""),
                                        ("scalar", "F64", [], f64([2]))])
    yield "no-tensors", safetensors([], {"note": "nothing else"})


def safetensors_headers():
    # The header target appends 4096 zero bytes of data; every offset here stays inside them.
    for name, data in safetensors_files():
        length = struct.unpack("<Q", data[:8])[0]
        yield name, data[8:8 + length]
    yield "block", json.dumps(
        {"x": {"dtype": "F32", "shape": [32, 32], "data_offsets": [0, 4096]}}).encode()
    yield "gap", json.dumps({"x": {"dtype": "U8", "shape": [4], "data_offsets": [100, 104]},
                             "y": {"dtype": "U8", "shape": [4], "data_offsets": [0, 4]}}).encode()


def shard_indexes():
    weight_map = {"a.weight": "model-00001-of-00002.safetensors",
                  "b.weight": "model-00002-of-00002.safetensors"}
    yield "plain", json.dumps({"metadata": {"total_size": 1024}, "weight_map": weight_map})
    yield "float-size", json.dumps({"metadata": {"total_size": 1024.0}, "weight_map": weight_map})
    yield "no-metadata", json.dumps({"weight_map": {"x": "sub/part.safetensors"}})
    yield "null-metadata", json.dumps({"metadata": None, "weight_map": weight_map}, indent=2)


def recipes():
    for config in sorted((ROOT / "configs").glob("*.yaml")):
        yield config.stem, config.read_text()
    yield "minimal", "input: in.safetensors\nformat: fp8\n"
    yield "everything", """lrq: 1
input: in.safetensors
output: out.safetensors
format: {name: int8_block, block_size: 64}
optimizer: {name: gptq}
model: {profile: auto, strict: false, heuristics: true, heuristics_block_size: 64}
backend: {name: cpu, threads: 2}
overrides:
  - match: 'final_layer|img_in'
    skip: true
  - match: '^double_blocks\\.[0-9]+\\.img_mlp'
    format: {name: fp8, scale: row}
    optimizer: rtn
calibration: {stats: stats.safetensors, holdout: held.safetensors, missing: rtn}
seed: 7
calib_samples: 128
bias_correction: false
reference_compat: false
report: true
shard_size: 5GB
overwrite: true
"""


def set_lines():
    yield "settings", "seed=7\ncalib_samples=64\nshard_size=2GB\nreport=false\noverwrite=true\n"
    yield "sections", ("format.scale=row\noptimizer.name=adamw\nmodel.profile=flux\n"
                       "model.strict=true\n")
    yield "calibration", "calibration.stats=s.safetensors\ncalibration.missing=rtn\n"
    yield "paths", "input=a.safetensors\noutput=b.safetensors\nbackend.threads=1"
    yield "format", "format.name=int8_block\nformat.block_size=128\nbias_correction=false"


def comfy_quants():
    yield "fp8", COMFY_QUANT
    yield "int8-block", b'{"format": "int8_blockwise", "group_size": 128}'
    yield "flags", (b'{"format": "int8_tensorwise", "per_row": true, '
                    b'"full_precision_matrix_mult": true}')
    yield "escapes", b'{"format": "nvfp4\\u00e9\\ud83d\\ude00", "group_size": 16}'


def quantization_metadatas():
    yield "layers", QUANT_METADATA
    yield "empty", '{"layers": {}}'
    yield "stale", json.dumps({"layers": {"blocks.1.linear": {"format": "int8_tensorwise"},
                                          "gone": {"format": "float8_e4m3fn"}}})


def activation_stats():
    metadata = {"format": "lrq.activation_stats", "format_version": "1",
                "producer": "make_corpus.py", "samples": "8"}
    gram = [2, 0.5, 0, 0, 0.5, 2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]
    yield "dense", safetensors([("l.weight.count", "I64", [], i64(8)),
                                ("l.weight.mean", "F32", [4], f32([0.1, -0.2, 0, 1])),
                                ("l.weight.gram", "F32", [4, 4], f32(gram))], metadata)
    yield "compact", safetensors(
        [("model.diffusion_model.l.weight.count", "I64", [], i64(3)),
         ("model.diffusion_model.l.weight.mean", "F64", [3], f64([0, 0, 1])),
         ("model.diffusion_model.l.weight.gram_diag", "F64", [3], f64([1, 2, 3])),
         ("model.diffusion_model.l.weight.gram_factor", "F64", [3, 2],
          f64([1, 0, 0, 1, 0.5, 0.5]))],
        metadata)
    yield "two-layers", safetensors(
        [("a.weight.count", "I64", [], i64(1)), ("a.weight.mean", "F32", [1], f32([1])),
         ("a.weight.gram", "F32", [1, 1], f32([1])),
         ("b.weight.count", "I64", [], i64(2)), ("b.weight.mean", "F32", [2], f32([1, 1])),
         ("b.weight.gram_diag", "F32", [2], f32([1, 1])),
         ("b.weight.gram_factor", "F32", [2, 1], f32([0.5, 0.5]))], metadata)


TARGETS = {
    "safetensors_header": safetensors_headers,
    "safetensors_file": safetensors_files,
    "shard_index": shard_indexes,
    "recipe": recipes,
    "recipe_set": set_lines,
    "comfy_quant": comfy_quants,
    "quantization_metadata": quantization_metadatas,
    "activation_stats": activation_stats,
}


def main():
    for target, seeds in TARGETS.items():
        directory = HERE / "corpus" / target
        # Keeps the regression inputs of findings (named finding-*), rewrites the rest.
        if directory.exists():
            for seed in directory.iterdir():
                if not seed.name.startswith("finding-"):
                    seed.unlink()
        directory.mkdir(parents=True, exist_ok=True)
        for name, data in seeds():
            (directory / name).write_bytes(data if isinstance(data, bytes) else data.encode())


if __name__ == "__main__":
    main()
