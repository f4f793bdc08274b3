#!/usr/bin/env python3
"""End-to-end check of the HTML report in a real browser.

Generates tiny-flux with lrq-host and converts it (gptq with synthetic statistics and held-out
statistics, or rtn), then:
  * reads <stem>.report.html as text: nothing in it may come from elsewhere (no http:// or https://,
    no src= or href= attributes, no <link>, @import or url());
  * has headless Chromium take a screenshot, decodes the PNG with zlib, numpy and the PNG filters
    written here (no imaging library) and requires a page that is not blank: enough non-white pixels,
    and the first layer type's chart colour filling the inside of its bars;
  * has Chromium dump the rendered DOM, reads every chart bar's data-* numbers with html.parser and
    compares them with the JSON report: the same layers, the written result's and RTN's output
    errors and weight error equal to within a relative 1e-12 (the page writes the shortest text
    that reads back as the same double), the bar's value equal to their ratio (learned runs) or the
    output error (rtn runs) to within 1e-12, and the bar's height equal to its distance from the
    base line in the chart's scale to within 0.02 px (coordinates have two decimals; at least 1 px).
Without a `chromium` on PATH it exits 77 (ctest: skipped) saying so, unless LRQ_REQUIRE_CHROMIUM=1,
as in CI (scripts/test.sh on Debian), where that is a failure.
"""

import argparse
import html.parser
import json
import math
import os
import pathlib
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import zlib

import numpy as np

SKIPPED = 77
BROWSER_SECONDS = 120
FIRST_TYPE_COLOUR = (0x3B, 0x6F, 0xB6)  # report_chart.cpp's palette[0]


class CheckFailed(Exception):
    pass


def require(condition, message):
    if not condition:
        raise CheckFailed(message)


def run_browser(chromium, arguments, profile):
    """Runs headless Chromium in a process group of its own and leaves none of it behind."""
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--hide-scrollbars", f"--user-data-dir={profile}", *arguments]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    try:
        out, err = process.communicate(timeout=BROWSER_SECONDS)
    except subprocess.TimeoutExpired:
        raise CheckFailed(f"chromium did not finish in {BROWSER_SECONDS} s: {' '.join(command)}")
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()
    require(process.returncode == 0,
            f"chromium exited {process.returncode}: {err.decode(errors='replace')[-2000:]}")
    return out.decode("utf-8")


def unfilter_row(kind, line, previous, channels):
    """Undoes one scanline's PNG filter (None, Sub, Up, Average, Paeth) on uint8 arrays."""
    if kind == 0:
        return line
    if kind == 1:  # each byte adds the one a pixel to the left: a running sum per channel
        return np.cumsum(line.reshape(-1, channels), axis=0, dtype=np.uint8).reshape(-1)
    if kind == 2:
        return line + previous
    out, up = line.tolist(), previous.tolist()
    for i in range(len(out)):
        left = out[i - channels] if i >= channels else 0
        if kind == 3:
            out[i] = (out[i] + (left + up[i]) // 2) & 0xFF
            continue
        up_left = up[i - channels] if i >= channels else 0
        estimate = left + up[i] - up_left
        distances = (abs(estimate - left), abs(estimate - up[i]), abs(estimate - up_left))
        out[i] = (out[i] + (left, up[i], up_left)[distances.index(min(distances))]) & 0xFF
    return np.array(out, dtype=np.uint8)


def decode_png(path):
    """An 8-bit RGB or RGBA PNG as a height x width x 3 uint8 array."""
    data = path.read_bytes()
    require(data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG")
    offset, compressed = 8, b""
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset:offset + 4])
        kind, body = data[offset + 4:offset + 8], data[offset + 8:offset + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            require(depth == 8 and colour in (2, 6) and interlace == 0,
                    f"{path}: PNG depth {depth}, colour type {colour}, interlace {interlace}")
        elif kind == b"IDAT":
            compressed += body
        offset += 12 + length
    channels = 3 if colour == 2 else 4
    raw = np.frombuffer(zlib.decompress(compressed), dtype=np.uint8).reshape(height, -1)
    require(raw.shape[1] == width * channels + 1, f"{path}: scanlines of {raw.shape[1]} bytes")
    rows, previous = [], np.zeros(width * channels, dtype=np.uint8)
    for scanline in raw:
        previous = unfilter_row(scanline[0], scanline[1:], previous, channels)
        rows.append(previous)
    return np.stack(rows).reshape(height, width, channels)[:, :, :3]


class ChartMarks(html.parser.HTMLParser):
    """The chart's <svg> attributes, its bars (rect.mark) and the layer table's rows."""

    def __init__(self):
        super().__init__()
        self.svg, self.marks, self.table_layers = None, [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "svg" and "chart" in classes:
            self.svg = attributes
        elif tag == "rect" and "mark" in classes:
            self.marks.append(attributes)
        elif tag == "tr" and "data-layer" in attributes:
            self.table_layers.append(attributes["data-layer"])


def close(a, b, relative=1e-12):
    return math.isclose(a, b, rel_tol=relative, abs_tol=0.0)


def check_static(page):
    text = page.read_text(encoding="utf-8")
    for remote in ("http://", "https://", "<link", "@import", "url("):
        require(remote not in text, f"{page} refers to something elsewhere: {remote!r}")
    require(not re.search(r"\s(src|href)\s*=", text, re.IGNORECASE), f"{page} has a src= or href=")


def check_screenshot(chromium, page, work, profile):
    shot = work / "report.png"
    shot.unlink(missing_ok=True)
    run_browser(chromium, [f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri()], profile)
    require(shot.exists(), "chromium wrote no screenshot")
    image = decode_png(shot)
    height, width, _ = image.shape
    ink = int(np.count_nonzero(image.min(axis=2) < 235))
    chart = int(np.count_nonzero(np.all(image == FIRST_TYPE_COLOUR, axis=2)))
    require(ink >= 0.01 * width * height, f"the screenshot is nearly blank: {ink} non-white pixels")
    require(chart >= 100, f"the chart's first colour covers only {chart} pixels")
    print(f"screenshot {width}x{height}: {ink} non-white pixels, {chart} of the first type's colour")


def check_dom(chromium, page, report, profile):
    parser = ChartMarks()
    parser.feed(run_browser(chromium, ["--dump-dom", page.as_uri()], profile))
    require(parser.svg is not None, "the rendered page has no chart")
    learned = any(layer.get("learned_rounding") for layer in report["layers"])
    measure = parser.svg["data-measure"]
    require(measure == ("ratio_to_rtn" if learned else "output_error"), f"chart measure {measure}")
    base = float(parser.svg["data-base"])
    base_y = float(parser.svg["data-base-y"])
    pixels_per_unit = float(parser.svg["data-pixels-per-unit"])

    expected = {layer["name"]: layer for layer in report["layers"]
                if layer["action"] == "quantize" and layer["result"]["output_error"] is not None}
    charted = {mark["data-layer"]: mark for mark in parser.marks}
    require(len(charted) == len(parser.marks), "a layer has two bars")
    require(set(charted) == set(expected),
            f"charted layers differ: {sorted(set(charted) ^ set(expected))[:5]}")
    require(parser.table_layers == [layer["name"] for layer in report["layers"]],
            "the layer table does not list every tensor in order")
    for name, mark in charted.items():
        layer = expected[name]
        result, rtn = layer["result"], layer["rtn"]
        require(close(float(mark["data-output-error"]), result["output_error"]),
                f"{name}: output error {mark['data-output-error']} vs {result['output_error']}")
        require(close(float(mark["data-rtn-output-error"]), rtn["output_error"]),
                f"{name}: RTN output error {mark['data-rtn-output-error']} vs {rtn['output_error']}")
        require(close(float(mark["data-weight-error"]), result["weight_error"]),
                f"{name}: weight error {mark['data-weight-error']} vs {result['weight_error']}")
        require(mark["data-written"] == ("learned" if layer["learned_written"] else "rtn"),
                f"{name}: written {mark['data-written']}")
        value = float(mark["data-value"])
        wanted = result["output_error"] / rtn["output_error"] if learned else result["output_error"]
        require(close(value, wanted), f"{name}: bar value {value} vs {wanted}")
        block = mark["data-block"]
        require(block == "other" or name.startswith(block + "."), f"{name}: block {block}")
        top, height = float(mark["y"]), float(mark["height"])
        drawn = max(abs(value - base) * pixels_per_unit, 1.0)
        require(abs(height - drawn) <= 0.02, f"{name}: bar height {height} px, expected {drawn:.2f}")
        edge = top if value <= base else top + height
        require(abs(edge - base_y) <= 0.02 or height == 1.0,
                f"{name}: bar does not start at the base line ({edge} vs {base_y:.2f})")
    values = [float(mark["data-value"]) for mark in parser.marks]
    print(f"{len(charted)} bars ({measure}) match the JSON report: {min(values):.4g} .. "
          f"{max(values):.4g}")
    return values


def convert(work, host, recipe, optimizer):
    work.mkdir(parents=True, exist_ok=True)
    model = work / "tiny-flux.safetensors"
    converted = work / "converted.safetensors"
    subprocess.run([host, "generate", "tiny-flux", "--output", str(model), "--dtype", "bf16"],
                   check=True, stdout=subprocess.DEVNULL)
    settings = []
    if optimizer == "gptq":  # fit and held-out synthetic statistics of the same distribution
        for name, seed in (("stats", 1), ("holdout", 2)):
            stats = work / f"{name}.safetensors"
            subprocess.run([sys.executable, "-m", "lrq_capture.synthetic", str(model), "-o",
                            str(stats), "--samples", "2048", "--seed", str(seed)],
                           check=True, stdout=subprocess.DEVNULL)
            settings += ["--set", f"calibration.{name}={stats}"]
    subprocess.run([host, "run", recipe, "--input", str(model), "--output", str(converted),
                    "--quiet", "--overwrite", "--optimizer", optimizer, *settings],
                   check=True, stdout=subprocess.DEVNULL)
    report = work / "converted.report.json"
    page = work / "converted.report.html"
    require(page.exists(), f"no {page} beside {report}")
    return json.loads(report.read_text(encoding="utf-8")), page


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", required=True)
    parser.add_argument("--recipe", required=True)
    parser.add_argument("--work", required=True, type=pathlib.Path)
    parser.add_argument("--optimizer", required=True, choices=["gptq", "rtn"])
    arguments = parser.parse_args()

    chromium = shutil.which("chromium")
    if chromium is None:
        reason = "no chromium on PATH (Debian: apt-get install chromium; scripts/install-deps.sh --tests)"
        if os.environ.get("LRQ_REQUIRE_CHROMIUM") == "1":
            print(f"FAILED: LRQ_REQUIRE_CHROMIUM=1 and {reason}", file=sys.stderr)
            return 1
        print(f"SKIPPED: {reason}")
        return SKIPPED
    try:
        report, page = convert(arguments.work, arguments.host, arguments.recipe, arguments.optimizer)
        check_static(page)
        with tempfile.TemporaryDirectory(prefix="chromium-", dir=arguments.work) as profile:
            check_screenshot(chromium, page, arguments.work, profile)
            values = check_dom(chromium, page, report, profile)
        if arguments.optimizer == "gptq":
            require(min(values) < 1.0, "gptq beat round-to-nearest on no layer")
    except CheckFailed as failure:
        print(f"FAILED {arguments.optimizer}: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
