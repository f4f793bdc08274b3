"""The synthetic generator (python3 -m lrq_capture.synthetic), on numpy (no torch needed)."""

import contextlib
import io
import json
import os
import struct
import subprocess
import sys
import tempfile
import unittest

import numpy as np
from safetensors.numpy import save_file

from lrq_capture import read_stats
from lrq_capture.synthetic import layer_distribution, main, synthesize, weight_widths

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write_raw_safetensors(path, tensors):
    """A safetensors file of zero bytes for {name: (dtype name, shape, itemsize)}, any dtype."""
    header, offset = {}, 0
    for name, (dtype, shape, itemsize) in tensors.items():
        size = int(np.prod(shape)) * itemsize
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    encoded = json.dumps(header).encode()
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as file:
        file.write(struct.pack("<Q", len(encoded)) + encoded + bytes(offset))


class SyntheticTest(unittest.TestCase):
    def setUp(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.directory = directory.name
        self.f32_model = self.path("model_f32.safetensors")
        save_file({"blocks.0.attn.qkv.weight": np.zeros((48, 16), np.float32),
                   "blocks.0.attn.qkv.bias": np.zeros(48, np.float32),
                   "blocks.0.mlp.fc2.weight": np.zeros((16, 120), np.float32),
                   "norm.weight": np.zeros(16, np.float32),
                   "tokens.ids.weight": np.zeros((4, 4), np.int8)}, self.f32_model)
        self.bf16_model = self.path("model_bf16.safetensors")
        write_raw_safetensors(self.bf16_model, {
            "double_blocks.0.img_attn.qkv.weight": ("BF16", (96, 32), 2),
            "double_blocks.0.img_mlp.2.weight": ("F8_E4M3", (32, 64), 1),
            "img_in.weight": ("BF16", (32, 8, 2, 2), 2),
            "double_blocks.0.img_attn.norm.scale": ("BF16", (32,), 2)})

    def path(self, name):
        return os.path.join(self.directory, name)

    def generate(self, model, name, **kwargs):
        output = self.path(name)
        arguments = {"samples": 4000, "seed": 1, "full_gram_limit": 64, "rank": 8, **kwargs}
        synthesize(model, output, log=lambda line: None, **arguments)
        return read_stats(output)

    def test_only_2d_float_weights_are_covered(self):
        self.assertEqual(weight_widths(self.f32_model),
                         {"blocks.0.attn.qkv.weight": 16, "blocks.0.mlp.fc2.weight": 120})
        self.assertEqual(weight_widths(self.bf16_model),
                         {"double_blocks.0.img_attn.qkv.weight": 32,
                          "double_blocks.0.img_mlp.2.weight": 64})

    def test_file_from_a_bf16_header(self):
        metadata, layers = self.generate(self.bf16_model, "bf16.safetensors", full_gram_limit=32)
        self.assertEqual(metadata["samples"], "4000")
        self.assertEqual(metadata["model"], "model_bf16.safetensors")
        self.assertEqual(metadata["seed"], "1")
        self.assertEqual(metadata["distribution_seed"], "0")
        qkv = layers["double_blocks.0.img_attn.qkv.weight"]
        mlp = layers["double_blocks.0.img_mlp.2.weight"]
        self.assertEqual((qkv["count"], qkv["gram"].shape), (4000, (32, 32)))
        self.assertEqual((mlp["count"], mlp["gram_factor"].shape), (4000, (64, 8)))

    def test_statistics_follow_the_documented_distribution(self):
        _, layers = self.generate(self.f32_model, "f32.safetensors", dtype="float64")
        for key, stats in layers.items():
            k = stats["mean"].shape[0]
            mean, scales, directions = layer_distribution(0, key, k)
            diagonal = mean**2 + scales**2 + (directions**2).sum(1)
            observed = np.diagonal(stats["gram"]) if "gram" in stats else stats["gram_diag"]
            with self.subTest(key):
                standard_error = np.sqrt((scales**2 + (directions**2).sum(1)) / 4000)
                self.assertLess(np.max(np.abs(stats["mean"] - mean) / standard_error), 5.0)
                np.testing.assert_allclose(observed, diagonal, rtol=0.25)
                self.assertLess(abs(observed.sum() / diagonal.sum() - 1), 0.05)

    def test_layer_distribution(self):
        mean, scales, directions = layer_distribution(3, "a.weight", 1000, dominant=5,
                                                      dominant_energy=2.5)
        self.assertEqual((mean.shape, scales.shape, directions.shape), ((1000,), (1000,), (1000, 5)))
        # round(1000 / 200) = 5 outliers scaled by 20, from 10^U(-1, 1): some land above 10.
        self.assertTrue(1 <= np.sum(scales > 10.0) <= 5)
        self.assertTrue(np.all((scales >= 0.1) & (scales <= 200.0)))
        np.testing.assert_allclose(np.sum(directions**2), 2.5 * np.sum(scales**2))
        np.testing.assert_allclose(np.linalg.norm(directions, axis=0),
                                   np.full(5, np.sqrt(2.5 * np.sum(scales**2) / 5)))
        again = layer_distribution(3, "a.weight", 1000, dominant=5, dominant_energy=2.5)
        for first, second in zip((mean, scales, directions), again):
            np.testing.assert_array_equal(first, second)
        self.assertFalse(np.array_equal(layer_distribution(4, "a.weight", 1000)[0], mean))
        self.assertFalse(np.array_equal(layer_distribution(3, "b.weight", 1000)[0], mean))

    def test_two_seeds_are_two_samples_of_one_distribution(self):
        _, fit = self.generate(self.f32_model, "fit.safetensors", seed=1, distribution_seed=5)
        _, held_out = self.generate(self.f32_model, "held_out.safetensors", seed=2,
                                    distribution_seed=5)
        _, same = self.generate(self.f32_model, "same.safetensors", seed=1, distribution_seed=5)
        _, other = self.generate(self.f32_model, "other.safetensors", seed=2, distribution_seed=6)
        for key in fit:
            k = fit[key]["mean"].shape[0]
            _, scales, directions = layer_distribution(5, key, k)
            spread = np.sqrt(2 * (scales**2 + (directions**2).sum(1)) / 4000)
            with self.subTest(key):
                difference = np.abs(fit[key]["mean"] - held_out[key]["mean"]) / spread
                self.assertLess(difference.max(), 5.0)
                self.assertGreater(difference.max(), 0.0)
                np.testing.assert_array_equal(fit[key]["mean"], same[key]["mean"])
                moved = np.abs(fit[key]["mean"] - other[key]["mean"]) / spread
                self.assertGreater(moved.max(), 5.0)

    def test_command_line(self):
        output = self.path("cli.safetensors")
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            status = main([self.f32_model, "-o", output, "--samples", "100", "--seed", "3",
                           "--full-gram-limit", "64", "--rank", "4", "--dominant", "2",
                           "--dominant-energy", "1.5"])
        self.assertEqual(status, 0)
        lines = printed.getvalue().splitlines()
        self.assertEqual(len(lines), 3)
        self.assertTrue(lines[0].startswith("blocks.0.attn.qkv.weight: K=16, dense gram"))
        self.assertTrue(lines[1].startswith("blocks.0.mlp.fc2.weight: K=120, diagonal + rank 4"))
        self.assertIn("2 layers, 100 samples each", lines[2])
        metadata, layers = read_stats(output)
        self.assertEqual(metadata["dominant"], "2")
        self.assertEqual(layers["blocks.0.mlp.fc2.weight"]["gram_factor"].dtype, np.float64)

    def test_bad_input_exits_non_zero(self):
        cases = {"no such file": [self.path("missing.safetensors")],
                 "no 2-D float tensor": [self.path("empty.safetensors")],
                 "samples must be >= 1": [self.f32_model, "--samples", "0"]}
        save_file({"norm.weight": np.zeros(4, np.float32)}, self.path("empty.safetensors"))
        for message, arguments in cases.items():
            errors = io.StringIO()
            arguments = [*arguments, "-o", self.path("out.safetensors"), "--seed", "1"]
            if "--samples" not in arguments:
                arguments += ["--samples", "10"]
            with self.subTest(message), contextlib.redirect_stderr(errors):
                self.assertEqual(main(arguments), 1)
            self.assertIn(message.split(":")[0].lower(), errors.getvalue().lower())
            self.assertFalse(os.path.exists(self.path("out.safetensors")))

    def test_runs_as_a_module(self):
        environment = {**os.environ, "PYTHONPATH": PACKAGE_ROOT}
        result = subprocess.run([sys.executable, "-m", "lrq_capture.synthetic", "--help"],
                                capture_output=True, text=True, env=environment, check=True)
        self.assertIn("x = mu + g Aᵀ + n ⊙ s", result.stdout)
        result = subprocess.run([sys.executable, "-m", "lrq_capture.synthetic",
                                 self.path("missing.safetensors"), "-o", self.path("o"),
                                 "--samples", "1", "--seed", "0"],
                                capture_output=True, text=True, env=environment)
        self.assertEqual(result.returncode, 1)
        self.assertIn("error:", result.stderr)


if __name__ == "__main__":
    unittest.main()
