#!/usr/bin/env python3
"""`lrq-host run --dry-run --json` on a real-model key-list fixture, checked from the outside.

The fixture becomes a sparse safetensors file (fixture_to_safetensors.py); a recipe with no model
section lets lrq-host pick the profile. Checks: the expected profile is detected automatically,
the counts are the expected ones, every tensor is listed once in file order, only 2-D `.weight`
tensors are quantized, nothing is written, and with `heuristics: true` exactly the quantized layers
whose shape does not tile by the block (the reference's --heur rule, computed here) are kept.

    check_profile_dry_run.py --host build/bin/lrq-host --fixture tests/fixtures/models/flux1-dev.txt \\
        --work /tmp/dry --profile flux --counts 304,476,0 --heuristic-keeps 0
"""

import argparse
import json
import pathlib
import subprocess
import sys

from fixture_to_safetensors import read_fixture, write_sparse

FP8_HEURISTIC_BLOCK = 64  # the reference's block for --heur with an FP8 target


def dry_run(host, recipe):
    result = subprocess.run([host, "run", str(recipe), "--dry-run", "--json"],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"lrq-host exited with {result.returncode}:\n{result.stderr}")
    return json.loads(result.stdout)


def write_recipe(path, model_file, extra=""):
    path.write_text(f"input: {model_file.name}\noutput: out.safetensors\nformat: fp8\n{extra}")
    return path


def tiles(shape, block):
    return all(dim >= block and dim % block == 0 for dim in shape)


def fail(message):
    sys.exit(f"FAIL: {message}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", required=True)
    parser.add_argument("--fixture", required=True, type=pathlib.Path)
    parser.add_argument("--work", required=True, type=pathlib.Path)
    parser.add_argument("--profile", required=True)
    parser.add_argument("--counts", required=True, help="quantize,keep,remove")
    parser.add_argument("--heuristic-keeps", required=True, type=int,
                        help="how many quantized layers heuristics keep")
    args = parser.parse_args()

    args.work.mkdir(parents=True, exist_ok=True)
    tensors = read_fixture(args.fixture)
    model_file = args.work / (args.fixture.stem + ".safetensors")
    write_sparse(tensors, model_file)
    plan = dry_run(args.host, write_recipe(args.work / "auto.yaml", model_file))

    model = plan["plugins"]["model"]
    if plan["model"] != args.profile or model["name"] != args.profile or not model["auto"]:
        fail(f"detected {model}, expected {args.profile} chosen automatically")
    quantize, keep, remove = (int(n) for n in args.counts.split(","))
    if plan["counts"] != {"quantize": quantize, "keep": keep, "remove": remove}:
        fail(f"counts {plan['counts']}, expected {args.counts}")
    if [t["name"] for t in plan["tensors"]] != [key for key, _, _ in tensors]:
        fail("the plan does not list every tensor once, in file order")
    quantized = {t["name"]: t["shape"] for t in plan["tensors"] if t["action"] == "quantize"}
    for name, shape in quantized.items():
        if not name.endswith(".weight") or len(shape) != 2:
            fail(f"{name} {shape} is quantized but is not a 2-D .weight")
    if (args.work / "out.safetensors").exists() or list(args.work.glob("out*")):
        fail("a dry run wrote something")

    heuristic = dry_run(args.host, write_recipe(args.work / "heur.yaml", model_file,
                                                "model: {profile: auto, heuristics: true}\n"))
    still = {t["name"] for t in heuristic["tensors"] if t["action"] == "quantize"}
    expected = {name for name, shape in quantized.items() if tiles(shape, FP8_HEURISTIC_BLOCK)}
    if still != expected:
        fail(f"heuristics kept {sorted(set(quantized) - still)[:5]}, expected "
             f"{sorted(set(quantized) - expected)[:5]}")
    if len(quantized) - len(still) != args.heuristic_keeps:
        fail(f"heuristics kept {len(quantized) - len(still)} layers, expected {args.heuristic_keeps}")
    for entry in heuristic["tensors"]:
        if entry["name"] in set(quantized) - still and "heuristic" not in entry["reason"]:
            fail(f"{entry['name']}: kept without naming the heuristic: {entry['reason']}")
    print(f"{args.fixture.stem}: profile {args.profile}, {plan['counts']}; "
          f"heuristics keep {len(quantized) - len(still)} more")


if __name__ == "__main__":
    main()
