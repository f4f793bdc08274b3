#!/usr/bin/env python3
"""Turns a key-list fixture (tests/fixtures/models/*.txt) into a real, sparse safetensors file.

The header lists every tensor of the fixture, in its order, with its dtype, shape and data
offsets; the data region is not written but made by extending the file to its full size, so it is
a hole that reads as zeros and takes no disk space (a Flux.1-dev file is 23.8 GB on paper).
That is enough for anything that reads keys, dtypes and shapes only, such as
`lrq-host run --dry-run`.

    tests/e2e/fixture_to_safetensors.py tests/fixtures/models/flux1-dev.txt /tmp/flux1-dev.safetensors

With --verify, the written file is read back with Python's `safetensors` (the reference reader)
and its keys, dtypes and shapes compared with the fixture.
"""

import argparse
import json
import math
import pathlib
import struct
import sys

ITEM_SIZES = {
    "F64": 8, "F32": 4, "F16": 2, "BF16": 2, "F8_E4M3": 1, "F8_E5M2": 1,
    "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U64": 8, "U32": 4, "U16": 2, "U8": 1, "BOOL": 1,
}


def read_fixture(path):
    """[(key, dtype, shape)] from the fixture's lines `<key> <DTYPE> <d0,d1,...>` (`-`: scalar)."""
    tensors = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split()
        if len(fields) != 3 or fields[1] not in ITEM_SIZES:
            sys.exit(f"{path}:{number}: expected '<key> <DTYPE> <d0,d1,...>', got {line!r}")
        key, dtype, dims = fields
        shape = [] if dims == "-" else [int(dim) for dim in dims.split(",")]
        tensors.append((key, dtype, shape))
    return tensors


def header_bytes(tensors):
    """The JSON header, padded with spaces to a multiple of 8 bytes, and the data size."""
    header, offset = {}, 0
    for key, dtype, shape in tensors:
        size = math.prod(shape) * ITEM_SIZES[dtype]
        header[key] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header, separators=(",", ":")).encode()
    return text + b" " * (-len(text) % 8), offset


def write_sparse(tensors, output):
    header, data_size = header_bytes(tensors)
    with open(output, "wb") as file:
        file.write(struct.pack("<Q", len(header)))
        file.write(header)
        file.truncate(8 + len(header) + data_size)


def verify(tensors, output):
    from safetensors import safe_open

    expected = {key: (dtype, shape) for key, dtype, shape in tensors}
    with safe_open(str(output), framework="numpy") as file:
        found = {}
        for key in file.keys():
            tensor_slice = file.get_slice(key)
            found[key] = (tensor_slice.get_dtype(), list(tensor_slice.get_shape()))
    if found != expected:
        missing = sorted(set(expected) - set(found))
        differing = sorted(k for k in set(found) & set(expected) if found[k] != expected[k])
        sys.exit(f"{output}: read back differently; missing {missing[:5]}, differing {differing[:5]}")
    print(f"verified: {len(found)} tensors read back by safetensors")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fixture", type=pathlib.Path)
    parser.add_argument("output", type=pathlib.Path)
    parser.add_argument("--verify", action="store_true", help="read the file back with safetensors")
    args = parser.parse_args()
    tensors = read_fixture(args.fixture)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    write_sparse(tensors, args.output)
    print(f"{args.output}: {len(tensors)} tensors, {args.output.stat().st_size} bytes (sparse)")
    if args.verify:
        verify(tensors, args.output)


if __name__ == "__main__":
    main()
