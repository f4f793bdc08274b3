#!/usr/bin/env python3
"""Held-out output error of lrq's optimizers against round-to-nearest, measured with numpy.

Generates a model with `lrq-host generate` and two activation statistics files of the same
synthetic correlated inputs (lrq_capture.synthetic: per-channel scales over 100x, outlier
channels, a non-zero mean, a few dominant directions): a fit set, which gptq and the never-worse
rule see (calibration.stats), and a held-out set (dense H for every layer), which nothing in the
conversion sees. Each (format, optimizer) is converted once, and per layer the written file is
decoded and measured on the held-out set:

    output error = sqrt(tr(E H Eᵀ) / tr(W H Wᵀ)),  E = W - Ŵ,  H = E[xᵀx] of the held-out inputs

`original` runs under reference_compat (the reference tool's learned rounding, written as is, not
replaced by round-to-nearest where it loses). With --check the script also checks what CI needs:
the layout of every quantized layer, the bias correction b + mean(x)(W - Ŵ)ᵀ from the fit set's
mean, and that gptq's mean ratio to RTN is at most --check-ratio.

  PYTHONPATH=integrations/python benchmarks/heldout_quality.py --host build/bin/lrq-host \\
      --model flux-block-small --work /tmp/heldout [--formats fp8,int8-block128] \\
      [--optimizers rtn,gptq,original] [--samples 8192] [--backend cpu] [--device cpu]

For a real model, give its safetensors file and the two statistics files recorded from it
(held-out dense, e.g. with full_gram_limit=1000000): --model-file M --fit-stats F --held-out-stats H.
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys

import numpy as np

from quantized_files import COMFY_FORMATS, FORMATS, dequantize, tensors

ROOT = pathlib.Path(__file__).resolve().parent.parent


def output_error(weight, restored, gram):
    error = weight - restored
    return float(np.sqrt(np.sum((error @ gram) * error) / np.sum((weight @ gram) * weight)))


def synthetic_stats(model, path, seed, arguments, dense):
    command = [sys.executable, "-m", "lrq_capture.synthetic", str(model), "-o", str(path),
               "--samples", str(arguments.samples), "--seed", str(seed), "--distribution-seed",
               "0", "--device", arguments.device]
    if dense:
        command += ["--full-gram-limit", "1000000"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "PYTHONPATH": str(ROOT / "integrations" / "python")})


def convert(arguments, model, output, optimizer, format_arguments, fit):
    command = [arguments.host, "run", str(ROOT / "configs" / "example-fp8.yaml"), "--input",
               str(model), "--output", str(output), "--overwrite", "--quiet", "--optimizer", optimizer,
               *format_arguments, "--backend", arguments.backend,
               "--set", f"calibration.stats={fit}",
               "--set", f"reference_compat={str(optimizer == 'original').lower()}",
               *arguments.extra.split()]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return tensors(output)


def check_layer(prefix, written, model_tensors, fit, format_name, reference_sign):
    """The layer's tensors and its corrected bias, recomputed here (reference_compat subtracts)."""
    config = json.loads(written[prefix + ".comfy_quant"].tobytes())
    assert config["format"] == COMFY_FORMATS[format_name], (prefix, config)
    if prefix + ".bias" in model_tensors:
        weight = model_tensors[prefix + ".weight"].astype(np.float64)
        mean = fit[prefix + ".weight.mean"].astype(np.float64)
        bias = model_tensors[prefix + ".bias"].astype(np.float64)
        sign = -1.0 if reference_sign else 1.0
        corrected = bias + sign * (mean @ (weight - dequantize(written, prefix)).T)
        got = written[prefix + ".bias"].astype(np.float64)
        tolerance = 2.0 ** -7 * np.abs(corrected) + 1e-3 * np.abs(corrected).max()  # BF16
        assert np.all(np.abs(got - corrected) <= tolerance), prefix


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", required=True)
    parser.add_argument("--model", default="flux-block-small")
    parser.add_argument("--model-file", type=pathlib.Path, help="a model file instead of --model")
    parser.add_argument("--fit-stats", type=pathlib.Path, help="fit statistics of --model-file")
    parser.add_argument("--held-out-stats", type=pathlib.Path, help="dense held-out statistics")
    parser.add_argument("--work", required=True, type=pathlib.Path)
    parser.add_argument("--formats", default="fp8,int8-block128")
    parser.add_argument("--optimizers", default="rtn,gptq,original")
    parser.add_argument("--samples", type=int, default=8192)
    parser.add_argument("--backend", default="cpu")
    parser.add_argument("--device", default="cpu", help="where the synthetic inputs are drawn")
    parser.add_argument("--extra", default="", help="more lrq-host run arguments, space separated")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--check-ratio", type=float, default=0.8)
    arguments = parser.parse_args()
    work = arguments.work
    work.mkdir(parents=True, exist_ok=True)
    model = arguments.model_file or work / f"{arguments.model}.safetensors"
    if not model.exists():
        subprocess.run([arguments.host, "generate", arguments.model, "--output", str(model)],
                       check=True, stdout=subprocess.DEVNULL)
    fit_path = arguments.fit_stats or work / "fit.safetensors"
    held_out_path = arguments.held_out_stats or work / "held-out.safetensors"
    if not fit_path.exists():
        synthetic_stats(model, fit_path, 1, arguments, dense=False)
    if not held_out_path.exists():
        synthetic_stats(model, held_out_path, 2, arguments, dense=True)
    model_tensors, fit, held_out = tensors(model), tensors(fit_path), tensors(held_out_path)

    errors = {}  # (format, layer) -> {optimizer: held-out output error}
    for format_name in arguments.formats.split(","):
        for optimizer in arguments.optimizers.split(","):
            output = work / f"{format_name}-{optimizer}.safetensors"
            written = convert(arguments, model, output, optimizer, FORMATS[format_name], fit_path)
            for name, value in model_tensors.items():
                prefix = name[: -len(".weight")]
                if not name.endswith(".weight") or prefix + ".comfy_quant" not in written:
                    continue
                if name + ".gram" not in held_out:
                    continue  # a layer the held-out inputs never reached
                if arguments.check:
                    check_layer(prefix, written, model_tensors, fit, format_name,
                                optimizer == "original")
                weight = value.astype(np.float64)
                gram = held_out[name + ".gram"].astype(np.float64)
                errors.setdefault((format_name, prefix), {})[optimizer] = output_error(
                    weight, dequantize(written, prefix), gram)

    others = [o for o in arguments.optimizers.split(",") if o != "rtn"]
    print("| format | layer | RTN held-out output error | " +
          " | ".join(f"{o} / RTN" for o in others) + " |")
    print("|---|---|---|" + "---|" * len(others))
    ratios = {}
    for (format_name, prefix), by_optimizer in errors.items():
        row = [f"{by_optimizer[o] / by_optimizer['rtn']:.3f}" for o in others]
        for o in others:
            ratios.setdefault((format_name, o), []).append(by_optimizer[o] / by_optimizer["rtn"])
        print(f"| {format_name} | {prefix} | {by_optimizer['rtn']:.4e} | " + " | ".join(row) + " |")
    for (format_name, optimizer), values in ratios.items():
        print(f"mean {format_name} {optimizer} / RTN: {np.mean(values):.3f} "
              f"(worst {np.max(values):.3f}, {len(values)} layers)")
    if arguments.check:
        for format_name in arguments.formats.split(","):
            mean = np.mean(ratios[(format_name, "gptq")])
            assert mean <= arguments.check_ratio, (format_name, mean)
        print("check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
