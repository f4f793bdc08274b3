#!/usr/bin/env python3
"""End-to-end check of sharded checkpoints, read back with Python's `safetensors`.

Generates tiny-flux with lrq-host and converts it as one file. Then splits it into three shards
with an index, Hugging Face style (written here byte by byte, keeping the data order), and checks:
the conversion of the directory, of the index and of the first shard alone (which warns naming the
others) equal the single-file conversion, tensor by tensor, and so does the dry run's plan; a shard
is never overwritten; every malformed index exits 3 naming
the index and the key at fault; `--shard-size` writes shards and an index whose weight_map and
tensors match the single-file output, a weight with its scales in one shard; and a conversion that
fails after some shards are written leaves no file behind.
"""

import argparse
import json
import pathlib
import shutil
import struct
import subprocess
import sys

import numpy as np
import safetensors


class CheckFailed(Exception):
    pass


def require(condition, message):
    if not condition:
        raise CheckFailed(message)


def raw_tensors(path):
    """(metadata, [(name, dtype, shape, bytes)] in data order) of a safetensors file."""
    data = pathlib.Path(path).read_bytes()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    metadata = header.pop("__metadata__", {})
    body = data[8 + length:]
    entries = sorted(header.items(), key=lambda item: (item[1]["data_offsets"][0], item[0]))
    return metadata, [(name, info["dtype"], info["shape"],
                       body[info["data_offsets"][0]:info["data_offsets"][1]])
                      for name, info in entries]


def write_raw(path, metadata, tensors):
    """A safetensors file with the tensors' data in the given order."""
    header, offset = {}, 0
    if metadata:
        header["__metadata__"] = metadata
    for name, dtype, shape, data in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    pathlib.Path(path).write_bytes(
        struct.pack("<Q", len(text)) + text + b"".join(t[3] for t in tensors))


def read_tensors(path):
    """name -> (dtype, shape, raw bytes) through the safetensors reference reader."""
    with open(path, "rb") as handle:
        return {name: (info["dtype"], list(info["shape"]), bytes(info["data"]))
                for name, info in safetensors.deserialize(handle.read())}


def shard(model, directory, count):
    """Splits `model` into `count` shards and an index in `directory`; returns the weight_map."""
    directory.mkdir(parents=True, exist_ok=True)
    metadata, tensors = raw_tensors(model)
    weight_map = {}
    for number, part in enumerate(np.array_split(np.arange(len(tensors)), count), start=1):
        name = f"model-{number:05d}-of-{count:05d}.safetensors"
        write_raw(directory / name, metadata, [tensors[i] for i in part])
        weight_map.update({tensors[i][0]: name for i in part})
    total = sum(len(t[3]) for t in tensors)
    write_index(directory, {"metadata": {"total_size": total}, "weight_map": weight_map})
    return weight_map


def write_index(directory, index_json, text=None):
    path = directory / "model.safetensors.index.json"
    path.write_text(text if text is not None else json.dumps(index_json))
    return path


def run(host, recipe, arguments, expect=0):
    result = subprocess.run([host, "run", recipe, *arguments], capture_output=True, text=True)
    require(result.returncode == expect,
            f"lrq-host run {' '.join(arguments)} exited {result.returncode}, not {expect}:\n"
            f"{result.stderr}")
    return result


def same_tensors(path, reference, what):
    got, expected = read_tensors(path), read_tensors(reference)
    require(got.keys() == expected.keys(), f"{what}: other tensors than the single-file output")
    for name, tensor in expected.items():
        require(got[name] == tensor, f"{what}: tensor {name} differs from the single-file output")


def without_input(path):
    """The file's metadata and tensor order, its recorded recipe without the input's name (the
    provenance names what was converted: a file, a directory or an index)."""
    metadata, tensors = raw_tensors(path)
    recipe = json.loads(metadata.pop("lrq.recipe"))
    recipe.pop("input")
    return metadata, recipe, [(name, dtype, shape) for name, dtype, shape, _ in tensors]


def check_sharded_input(host, recipe, work, model, single):
    shards = work / "shards"
    weight_map = shard(model, shards, 3)
    index = shards / "model.safetensors.index.json"
    for name, source in (("directory", shards), ("index", index)):
        output = work / f"from-{name}.safetensors"
        run(host, recipe, ["--input", str(source), "--output", str(output)])
        same_tensors(output, single, f"converted from the {name}")
        require(without_input(output) == without_input(single),
                f"converted from the {name}: the header differs from the single-file output's "
                "beyond the recipe's input")

    # One shard alone: its tensors converted as in the whole model, and a warning.
    output = work / "from-one-shard.safetensors"
    first = shards / "model-00001-of-00003.safetensors"
    result = run(host, recipe, ["--input", str(first), "--output", str(output)])
    for missing in ("model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors"):
        require(missing in result.stderr, f"one shard: the warning does not name {missing}:\n"
                                          f"{result.stderr}")
    in_first = {name for name, file in weight_map.items() if file == first.name}
    converted, reference = read_tensors(output), read_tensors(single)
    require(in_first <= converted.keys() and len(converted) < len(reference),
            "one shard: not the shard's tensors")
    for name, tensor in converted.items():
        require(tensor == reference[name], f"one shard: tensor {name} differs")

    # The dry run plans the same tensors; no file of the input may be overwritten.
    plans = [json.loads(run(host, recipe, ["--input", str(source), "--dry-run", "--json"]).stdout)
             for source in (model, shards)]
    require(plans[0]["tensors"] == plans[1]["tensors"], "the dry run of the shards differs")
    before = first.read_bytes()
    result = run(host, recipe, ["--input", str(shards), "--output", str(first)], expect=2)
    require("refusing to overwrite the input file" in result.stderr and
            first.read_bytes() == before, f"a shard as the output:\n{result.stderr}")

    # A directory of several files and no index is ambiguous.
    several = work / "several"
    several.mkdir()
    shutil.copy(model, several / "a.safetensors")
    shutil.copy(model, several / "b.safetensors")
    result = run(host, recipe, ["--input", str(several), "--output", str(work / "x.safetensors")],
                 expect=3)
    require(str(several) in result.stderr and "no index" in result.stderr,
            f"a directory of two files:\n{result.stderr}")

    inspected = subprocess.run([host, "inspect", str(shards), "--json"], capture_output=True,
                               text=True, check=True)
    listing = json.loads(inspected.stdout)
    require(len(listing["shards"]) == 3 and len(listing["tensors"]) == len(weight_map),
            "inspect of the directory does not list every shard and tensor")


def check_bad_indexes(host, recipe, work, model):
    directory = work / "bad"
    # (what, change: fresh shards and index -> (index JSON or None, else text), what the error
    # names besides the index)
    cases = []

    def missing_shard(d, index):
        index["weight_map"][next(iter(index["weight_map"]))] = "model-00009-of-00009.safetensors"
        return index, None, ["model-00009-of-00009.safetensors"]
    cases.append(("missing shard", missing_shard))

    def wrong_shard(d, index):
        name = next(n for n, f in index["weight_map"].items() if f.startswith("model-00003"))
        index["weight_map"][name] = "model-00001-of-00003.safetensors"
        return index, None, [f"'{name}'", "model-00003-of-00003.safetensors"]
    cases.append(("tensor in the wrong shard", wrong_shard))

    def unlisted(d, index):
        name = sorted(index["weight_map"])[-1]
        del index["weight_map"][name]
        return index, None, [f"'{name}'", "not in the weight_map"]
    cases.append(("tensor missing from the weight_map", unlisted))

    def duplicate(d, index):
        metadata, first = raw_tensors(d / "model-00001-of-00003.safetensors")
        _, second = raw_tensors(d / "model-00002-of-00003.safetensors")
        write_raw(d / "model-00002-of-00003.safetensors", metadata, second + [first[0]])
        return index, None, [f"'{first[0][0]}'", "is in both"]
    cases.append(("duplicate tensor", duplicate))
    cases.append(("not JSON", lambda d, index: (None, "{\"weight_map\": ", ["not valid JSON"])))
    cases.append(("duplicate key", lambda d, index: (
        None, '{"weight_map": {"a": "x.safetensors", "a": "y.safetensors"}}',
        ["duplicate key 'a'"])))
    cases.append(("weight_map not an object", lambda d, index: (
        {"weight_map": ["model-00001-of-00003.safetensors"]}, None,
        ["'weight_map' must be an object"])))

    def escape(target):
        def change(d, index):
            index["weight_map"][next(iter(index["weight_map"]))] = target
            return index, None, [target, "not a file name inside"]
        return change
    cases.append(("path climbing out", escape("../model-00001-of-00003.safetensors")))
    cases.append(("absolute path", escape(str(directory.resolve() / "x.safetensors"))))

    for what, change in cases:
        shutil.rmtree(directory, ignore_errors=True)
        shard(model, directory, 3)
        index = json.loads((directory / "model.safetensors.index.json").read_text())
        index, text, needles = change(directory, index)
        path = write_index(directory, index, text)
        output = work / "bad.safetensors"
        result = run(host, recipe, ["--input", str(path), "--output", str(output)], expect=3)
        for needle in [str(path), *needles]:
            require(needle in result.stderr, f"bad index, {what}: the error does not name "
                                             f"{needle!r}:\n{result.stderr}")
        require(not output.exists(), f"bad index, {what}: an output was written")


def check_sharded_output(host, recipe, work, model, single):
    out = work / "sharded"
    out.mkdir()
    size = single.stat().st_size
    result = run(host, recipe, ["--input", str(model), "--output", str(out / "model.safetensors"),
                                "--shard-size", str(size // 3), "--quiet"])
    index = json.loads((out / "model.safetensors.index.json").read_text())
    files = sorted(p.name for p in out.glob("*.safetensors"))
    require(len(files) >= 3 and files == sorted(set(index["weight_map"].values())),
            f"the shards {files} are not those of the index")
    require(all(name == f"model-{i:05d}-of-{len(files):05d}.safetensors"
                for i, name in enumerate(files, start=1)), f"shard names {files}")
    require((out / "model.report.json").exists(), "no report beside the index")
    require(result.stdout.strip() == str(out / "model.safetensors.index.json"),
            f"--quiet printed {result.stdout!r}, not the index")
    reference = read_tensors(single)
    require(index["weight_map"].keys() == reference.keys(), "the weight_map's tensors differ")
    require(index["metadata"]["total_size"] == sum(len(t[2]) for t in reference.values()),
            "total_size is not the bytes of the tensors")
    single_metadata, _ = raw_tensors(single)
    for name in files:
        tensors = read_tensors(out / name)
        metadata = raw_tensors(out / name)[0]
        recorded = json.loads(metadata["lrq.recipe"])
        require(recorded["shard_size"] == size // 3, f"{name}: the recorded shard_size")
        recorded["shard_size"] = 0
        metadata["lrq.recipe"] = json.dumps(recorded, separators=(",", ":"))
        require(metadata == single_metadata, f"{name}: other metadata than the single file's")
        require(len(tensors) > 0, f"{name}: empty")
        for tensor, data in tensors.items():
            require(index["weight_map"][tensor] == name, f"{tensor} is not where the index says")
            require(data == reference[tensor], f"{tensor} differs from the single-file output")
        layers = {tensor.rsplit(".", 1)[0] for tensor in tensors}
        require(sum(len(t[2]) for t in tensors.values()) <= size // 3 or len(layers) == 1,
                f"{name} holds more than the shard size")
    for tensor in index["weight_map"]:
        if tensor.endswith(".weight_scale"):
            weight = tensor[:-len("_scale")]
            require(index["weight_map"][weight] == index["weight_map"][tensor],
                    f"{weight} and its scale are in different shards")

    # A NaN in the last weight fails the run after the first shards are written: nothing stays.
    metadata, tensors = raw_tensors(model)
    last = max(i for i, t in enumerate(tensors) if t[0].endswith(".weight") and len(t[2]) == 2)
    name, dtype, shape, data = tensors[last]
    tensors[last] = (name, dtype, shape, b"\xc0\x7f" + data[2:])  # a BF16 NaN
    broken = work / "broken" / "model.safetensors"
    broken.parent.mkdir()
    write_raw(broken, metadata, tensors)
    run(host, recipe, ["--input", str(broken), "--output", str(broken.parent / "out.safetensors"),
                       "--shard-size", str(size // 3)], expect=3)
    left = sorted(p.name for p in broken.parent.iterdir())
    require(left == ["model.safetensors"], f"a failed sharded conversion left {left}")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", required=True)
    parser.add_argument("--recipe", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    work = pathlib.Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    model, single = work / "model.safetensors", work / "single.safetensors"
    subprocess.run([args.host, "generate", "tiny-flux", "--output", str(model), "--dtype", "bf16"],
                   check=True, stdout=subprocess.DEVNULL)
    run(args.host, args.recipe, ["--input", str(model), "--output", str(single)])
    try:
        check_sharded_input(args.host, args.recipe, work, model, single)
        check_bad_indexes(args.host, args.recipe, work, model)
        check_sharded_output(args.host, args.recipe, work, model, single)
    except CheckFailed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    print("sharded input and output: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
