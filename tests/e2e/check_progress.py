#!/usr/bin/env python3
"""`lrq-host run`'s progress display on standard error, seen as a terminal or a log file would.

bar:   standard error is a pseudo-terminal COLUMNS wide. What lrq-host writes is played through a
       small terminal model (carriage return, erase to the end of the line, newline): no line may
       reach the last column (it would wrap and leave debris), the bar must have been drawn, the
       display must end on an empty line, and no bar may be left in the scrollback. With
       --interrupt the run gets SIGINT once the bar shows, and must still leave an empty line.
lines: standard error is a file: plain lines, one per quantized layer with --progress-interval 0
       (as many as `run --dry-run --json` counts quantized layers) and a last one at 100 % (unless
       the last tensor is a quantized one, whose line is the last), each with elapsed time, percent,
       rate and ETA, and no escape sequence; none with --quiet or --log-level warning, unless
       --progress lines asks for them.

    check_progress.py --host build/bin/lrq-host --recipe configs/example-fp8.yaml --work /tmp/p \\
        --mode bar --columns 80
"""

import argparse
import fcntl
import json
import os
import pathlib
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time

BAR = re.compile(r"^\d+:\d\d:\d\d +\d+% \[[#-]+\] ")
DRAWN_BAR = re.compile(rb"\d% \[[#-]+\] ")
BAR_WITH_LAYER = re.compile(r"ETA (--|\d+:\d\d:\d\d|>99h)  \d+/\d+ \S+ \d+s$")
# A redraw: carriage return, the line, erase to the end of the line.
REDRAW = re.compile("\r([^\r\n\x1b]*)\x1b\\[K")
LOG_LINE = re.compile(r"^progress: \d+:\d\d:\d\d  (\d+)% of [\d.]+ [kMG]?B  (-- MB|[\d.]+ [kMG]?B)/s"
                      r"  ETA (--|\d+:\d\d:\d\d)  layers (\d+)/(\d+)")
ERASE = "\x1b[K"
# Slow enough for the bar to be redrawn a few times (it is every 250 ms) on any machine.
SLOW = ["--optimizer", "original", "--set", "optimizer.num_iter=5", "--set", "backend.threads=1"]


def fail(message):
    sys.exit(f"FAIL: {message}")


def generate(host, work, model):
    path = work / f"{model}.safetensors"
    if not path.exists():
        subprocess.run([host, "generate", model, "-o", str(path)], check=True, capture_output=True)
    return path


def run_arguments(args, model, *extra):
    return [args.host, "run", str(args.recipe), "--input", str(model), "--output",
            str(args.work / "out.safetensors"), "--overwrite", *extra]


class Terminal:
    """What a terminal shows for the text written to it: the committed lines (scrollback) and the
    line the cursor is on. Fails on escape sequences other than erase-to-end-of-line."""

    def __init__(self):
        self.committed = []
        self.line = []
        self.column = 0

    def feed(self, text):
        i = 0
        while i < len(text):
            if text.startswith(ERASE, i):
                del self.line[self.column:]
                i += len(ERASE)
                continue
            c = text[i]
            i += 1
            if c == "\x1b":
                fail(f"an escape sequence other than erase-line: {text[i - 1:i + 8]!r}")
            if c == "\r":
                self.column = 0
            elif c == "\n":
                self.committed.append("".join(self.line))
                self.line, self.column = [], 0
            else:
                if self.column < len(self.line):
                    self.line[self.column] = c
                else:
                    self.line.append(c)
                self.column += 1

    def shown(self):
        return "".join(self.line)


def run_in_terminal(arguments, columns, interrupt):
    """Runs with standard error on a pseudo-terminal; returns the exit code, the lines redrawn in
    place and the terminal's final state."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    process = subprocess.Popen(arguments, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=slave, env={**os.environ, "COLUMNS": "999"})
    os.close(slave)
    raw = b""
    interrupted = False
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed its side
                break
            if not chunk:
                break
            raw += chunk
        if interrupt and not interrupted and DRAWN_BAR.search(raw):
            process.send_signal(signal.SIGINT)
            interrupted = True
    os.close(master)
    code = process.wait(timeout=60)
    if interrupt and not interrupted:
        fail("the run ended before the bar was drawn: nothing to interrupt")
    text = raw.decode("utf-8", errors="replace")
    terminal = Terminal()
    terminal.feed(text)
    return code, text, [line for line in REDRAW.findall(text) if line], terminal


def check_bar(args):
    model = generate(args.host, args.work, "flux-block-small" if args.interrupt else "tiny-flux")
    extra = ["--set", "optimizer.num_iter=400"] if args.interrupt else []
    code, text, bars, terminal = run_in_terminal(run_arguments(args, model, *SLOW, *extra),
                                                 args.columns, args.interrupt)
    expected = -signal.SIGINT if args.interrupt else 0
    if code != expected:
        fail(f"exit code {code}, expected {expected}; standard error:\n{text!r}")
    if not bars:
        fail(f"no progress bar was drawn:\n{text!r}")
    for bar in bars:
        if not BAR.match(bar):
            fail(f"not a progress bar: {bar!r}")
    longest = max(bars, key=len)
    if len(longest) > args.columns - 1:
        fail(f"a line of {len(longest)} columns on a terminal of {args.columns}: {longest!r}")
    if terminal.shown():
        fail(f"the display did not end on an empty line: {terminal.shown()!r}")
    debris = [line for line in terminal.committed if "% [" in line]
    if debris:
        fail(f"a bar was left in the scrollback: {debris[0]!r}")
    if args.columns >= 100 and not any(BAR_WITH_LAYER.search(bar) for bar in bars):
        fail(f"no bar at {args.columns} columns names the layer being converted:\n"
             + "\n".join(bars))
    print(f"{len(bars)} bars drawn, the longest {len(longest)} columns of {args.columns}; "
          f"last: {bars[-1]!r}")


def plan(args, model):
    result = subprocess.run(run_arguments(args, model, "--dry-run", "--json"),
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def progress_lines(args, model, *extra):
    with open(args.work / "stderr.log", "w+b") as log:
        result = subprocess.run(run_arguments(args, model, *extra), stdout=subprocess.DEVNULL,
                                stderr=log, check=False)
        log.seek(0)
        err = log.read().decode()
    if result.returncode != 0:
        fail(f"exit code {result.returncode}:\n{err}")
    return err, [line for line in err.splitlines() if line.startswith("progress:")]


def check_lines(args):
    model = generate(args.host, args.work, "tiny-flux")
    tensors = plan(args, model)
    layers = tensors["counts"]["quantize"]
    # A line when each quantized weight is written, and a last one unless that was the last tensor.
    expected = layers + (tensors["tensors"][-1]["action"] != "quantize")
    err, lines = progress_lines(args, model, "--progress-interval", "0")
    if "\x1b" in err or "\r" in err:
        fail(f"escape sequences or carriage returns in a log:\n{err!r}")
    if len(lines) != expected:
        fail(f"{len(lines)} progress lines for {layers} quantized layers, expected {expected}:\n"
             f"{err}")
    percents = []
    for line in lines:
        match = LOG_LINE.match(line)
        if not match:
            fail(f"not a progress line: {line!r}")
        if int(match.group(5)) != layers:
            fail(f"'{line}' does not count {layers} quantized layers")
        percents.append(int(match.group(1)))
    if percents != sorted(percents) or percents[-1] != 100 or percents[0] >= 100:
        fail(f"percents {percents} do not rise to 100")
    if not lines[-1].split("  layers ")[1].startswith(f"{layers}/{layers}"):
        fail(f"the last line does not count every layer: {lines[-1]!r}")
    for quiet in (["--quiet"], ["--log-level", "warning"]):
        _, shown = progress_lines(args, model, "--progress-interval", "0", *quiet)
        if shown:
            fail(f"{' '.join(quiet)} printed progress: {shown[0]!r}")
    _, shown = progress_lines(args, model, "--progress-interval", "0", "--quiet", "--progress",
                              "lines")
    if len(shown) != expected:
        fail(f"--quiet --progress lines printed {len(shown)} progress lines, expected {expected}")
    print(f"{len(lines)} progress lines for {layers} layers; first: {lines[0]!r}; "
          f"last: {lines[-1]!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", required=True)
    parser.add_argument("--recipe", required=True, type=pathlib.Path)
    parser.add_argument("--work", required=True, type=pathlib.Path)
    parser.add_argument("--mode", required=True, choices=["bar", "lines"])
    parser.add_argument("--columns", type=int, default=80)
    parser.add_argument("--interrupt", action="store_true")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.mode == "bar":
        check_bar(args)
    else:
        check_lines(args)
    print("OK")


if __name__ == "__main__":
    main()
