"""write_stats/read_stats: round trips, every reader check, atomic writes (no torch needed)."""

import os
import tempfile
import unittest
from unittest import mock

import numpy as np
from safetensors.numpy import save_file

from lrq_capture import LayerAccumulator, read_stats, write_stats
from lrq_capture import stats_file

HEADER = {"format": "lrq.activation_stats", "format_version": "1", "producer": "test",
          "samples": "3"}


def layer_stats(k, full_gram_limit, seed=0):
    rng = np.random.default_rng(seed)
    accumulator = LayerAccumulator(k, full_gram_limit=full_gram_limit, rank=4)
    accumulator.update(rng.standard_normal((50, k)) + 1.0)
    return accumulator.finalize()


def dense_tensors(key="a.weight", k=3):
    """A valid dense layer as raw tensors."""
    x = np.arange(1.0, 2.0 * k + 1).reshape(2, k)
    return {f"{key}.count": np.array(2, dtype=np.int64),
            f"{key}.mean": x.mean(0).astype(np.float32),
            f"{key}.gram": (x.T @ x / 2).astype(np.float32)}


def compact_tensors(key="b.weight", k=4, r=2):
    """A valid compact layer as raw tensors."""
    return {f"{key}.count": np.array(5, dtype=np.int64),
            f"{key}.mean": np.zeros(k, dtype=np.float64),
            f"{key}.gram_diag": np.full(k, 2.0),
            f"{key}.gram_factor": np.ones((k, r))}


class TemporaryDirectoryTest(unittest.TestCase):
    def setUp(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.directory = directory.name

    def file(self, name="stats.safetensors"):
        return os.path.join(self.directory, name)


class RoundTripTest(TemporaryDirectoryTest):
    def test_both_forms_in_both_dtypes(self):
        layers = {"blocks.0.attn.qkv.weight": layer_stats(6, 4096, seed=1),
                  "blocks.0.mlp.fc2.weight": layer_stats(9, 8, seed=2)}
        for dtype, tolerance in (("float32", 1e-6), ("float64", 0.0)):
            with self.subTest(dtype=dtype):
                path = self.file(f"{dtype}.safetensors")
                write_stats(path, layers, producer="lrq_capture test", samples=7, dtype=dtype,
                            metadata={"description": "round trip", "model": "m.safetensors"})
                metadata, read = read_stats(path)
                self.assertEqual(metadata, {**HEADER, "producer": "lrq_capture test",
                                            "samples": "7", "description": "round trip",
                                            "model": "m.safetensors"})
                self.assertEqual(read.keys(), layers.keys())
                for key, stats in layers.items():
                    self.assertEqual(read[key].keys(), stats.keys())
                    self.assertEqual(read[key]["count"], 50)
                    for field in stats.keys() - {"count"}:
                        self.assertEqual(read[key][field].dtype, np.float64)
                        np.testing.assert_allclose(read[key][field], stats[field],
                                                   rtol=tolerance, atol=tolerance)
                self.assertEqual(os.listdir(self.directory).count(f"{dtype}.safetensors"), 1)

    def test_file_is_created_with_the_umasks_permissions(self):
        previous = os.umask(0o022)
        try:
            write_stats(self.file(), {"a.weight": layer_stats(3, 8)}, producer="t", samples=1)
        finally:
            os.umask(previous)
        self.assertEqual(os.stat(self.file()).st_mode & 0o777, 0o644)

    def test_writer_arguments_are_checked(self):
        layers = {"a.weight": layer_stats(3, 8)}
        with self.assertRaisesRegex(ValueError, "dtype 'float16'"):
            write_stats(self.file(), layers, producer="t", samples=1, dtype="float16")
        with self.assertRaisesRegex(ValueError, "may not set producer"):
            write_stats(self.file(), layers, producer="t", samples=1,
                        metadata={"producer": "other"})
        self.assertEqual(os.listdir(self.directory), [])


class AtomicWriteTest(TemporaryDirectoryTest):
    def test_failed_write_leaves_nothing_and_keeps_the_old_file(self):
        path = self.file()
        write_stats(path, {"old.weight": layer_stats(3, 8)}, producer="t", samples=1)

        def broken_save_file(tensors, filename, metadata):
            with open(filename, "wb") as file:
                file.write(b"partial")
            raise OSError("disk full")

        with mock.patch.object(stats_file, "save_file", broken_save_file):
            with self.assertRaisesRegex(OSError, "disk full"):
                write_stats(path, {"new.weight": layer_stats(3, 8)}, producer="t", samples=1)
        self.assertEqual(os.listdir(self.directory), ["stats.safetensors"])
        self.assertEqual(list(read_stats(path)[1]), ["old.weight"])

    def test_invalid_statistics_are_not_written(self):
        stats = layer_stats(3, 8)
        stats["mean"][1] = np.nan
        with self.assertRaisesRegex(ValueError, r"tensor 'a\.weight\.mean': element 1 is NaN"):
            write_stats(self.file(), {"a.weight": stats}, producer="t", samples=1)
        self.assertEqual(os.listdir(self.directory), [])


class ReaderCheckTest(TemporaryDirectoryTest):
    """Each rule of docs/activation-stats.md, "What a reader checks"."""

    def assert_rejected(self, tensors, *named, metadata=HEADER):
        path = self.file()
        if os.path.exists(path):
            os.unlink(path)
        save_file(tensors, path, metadata)
        with self.assertRaises(ValueError) as raised:
            read_stats(path)
        message = str(raised.exception)
        self.assertTrue(message.startswith(f"{path}: "), message)
        for text in named:
            self.assertIn(text, message)
        return message

    def test_valid_files_are_accepted(self):
        path = self.file()
        save_file({**dense_tensors(), **compact_tensors()}, path, HEADER)
        metadata, layers = read_stats(path)
        self.assertEqual(metadata, HEADER)
        self.assertEqual(sorted(layers), ["a.weight", "b.weight"])

    def test_not_safetensors(self):
        path = self.file()
        with open(path, "wb") as file:
            file.write(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json")
        with self.assertRaisesRegex(ValueError, "not a valid safetensors file") as raised:
            read_stats(path)
        self.assertIn(path, str(raised.exception))

    def test_metadata(self):
        for key in HEADER:
            with self.subTest(missing=key):
                metadata = {name: value for name, value in HEADER.items() if name != key}
                self.assert_rejected(dense_tensors(), f"has no '{key}'", metadata=metadata)
        self.assert_rejected(dense_tensors(), "'format' is 'other'",
                             metadata={**HEADER, "format": "other"})
        self.assert_rejected(dense_tensors(), "version '2' is not supported",
                             metadata={**HEADER, "format_version": "2"})
        for samples in ("-1", "3.0", "many", ""):
            with self.subTest(samples=samples):
                self.assert_rejected(dense_tensors(), "'samples' must be a non-negative integer",
                                     metadata={**HEADER, "samples": samples})

    def test_no_layers(self):
        self.assert_rejected({}, "no layers")

    def test_tensor_names(self):
        for name in ("a.weight.bias", "count", ".count", "a.weight.Count"):
            with self.subTest(name=name):
                self.assert_rejected({**dense_tensors(), name: np.zeros(1, np.float32)},
                                     f"tensor '{name}': not a statistics tensor")

    def test_layer_structure(self):
        dense, compact = dense_tensors(), compact_tensors()
        for field in ("count", "mean"):
            with self.subTest(without=field):
                tensors = {n: t for n, t in dense.items() if n != f"a.weight.{field}"}
                self.assert_rejected(tensors, "layer 'a.weight'", "needs both")
        cases = {"both forms": {**dense, "a.weight.gram_diag": np.ones(3, np.float32),
                                "a.weight.gram_factor": np.ones((3, 1), np.float32)},
                 "neither form": {n: t for n, t in dense.items() if not n.endswith(".gram")},
                 "gram_diag only": {n: t for n, t in compact.items() if "factor" not in n},
                 "gram_factor only": {n: t for n, t in compact.items() if "diag" not in n},
                 "dense with half compact": {**dense, "a.weight.gram_diag": np.ones(3)}}
        for case, tensors in cases.items():
            layer = "a.weight" if "a.weight.count" in tensors else "b.weight"
            with self.subTest(case):
                self.assert_rejected(tensors, f"layer '{layer}'", "needs either")

    def test_dtypes(self):
        cases = {"a.weight.count": np.array(2, np.int32),
                 "a.weight.mean": np.zeros(3, np.float16),
                 "a.weight.gram": np.eye(3, dtype=np.int64)}
        for name, tensor in cases.items():
            with self.subTest(name):
                self.assert_rejected({**dense_tensors(), name: tensor}, f"tensor '{name}': dtype")
        self.assert_rejected({**compact_tensors(), "b.weight.gram_factor": np.ones((4, 2), np.int8)},
                             "tensor 'b.weight.gram_factor': dtype I8, expected F32 or F64")

    def test_shapes(self):
        dense_cases = {"a.weight.count": np.array([2], np.int64),
                       "a.weight.mean": np.zeros((1, 3), np.float32),
                       "a.weight.gram": np.eye(4, 3, dtype=np.float32)}
        dense_cases_k = {"a.weight.gram": np.eye(4, dtype=np.float32)}
        compact_cases = {"b.weight.gram_diag": np.ones(5),
                         "b.weight.gram_factor": np.ones((5, 2))}
        for name, tensor in {**dense_cases, **dense_cases_k}.items():
            with self.subTest(name):
                self.assert_rejected({**dense_tensors(), name: tensor}, f"tensor '{name}': shape")
        for name, tensor in compact_cases.items():
            with self.subTest(name):
                self.assert_rejected({**compact_tensors(), name: tensor},
                                     f"tensor '{name}': shape")
        for r in (0, 5):
            with self.subTest(r=r):
                self.assert_rejected(compact_tensors(r=r), "tensor 'b.weight.gram_factor'",
                                     "with 1 <= r <= 4")
        self.assert_rejected({**dense_tensors(), "a.weight.mean": np.zeros(0, np.float32),
                              "a.weight.gram": np.zeros((0, 0), np.float32)},
                             "tensor 'a.weight.mean': shape [0], expected [K]")

    def test_count(self):
        for count in (0, -3):
            with self.subTest(count=count):
                self.assert_rejected({**dense_tensors(),
                                      "a.weight.count": np.array(count, np.int64)},
                                     "tensor 'a.weight.count'", "expected at least 1")

    def test_non_finite_values(self):
        for field, tensors in (("mean", dense_tensors()), ("gram", dense_tensors()),
                               ("gram_diag", compact_tensors()),
                               ("gram_factor", compact_tensors())):
            for value, kind in ((np.nan, "NaN"), (np.inf, "infinite"), (-np.inf, "infinite")):
                name = next(n for n in tensors if n.endswith(f".{field}"))
                with self.subTest(name=name, value=value):
                    bad = tensors[name].copy()
                    bad.flat[1] = value
                    self.assert_rejected({**tensors, name: bad},
                                         f"tensor '{name}': element 1 is {kind}")

    def test_negative_diagonal(self):
        gram = dense_tensors()["a.weight.gram"].copy()
        gram[2, 2] = -1.0
        self.assert_rejected({**dense_tensors(), "a.weight.gram": gram},
                             "tensor 'a.weight.gram': diagonal entry 2 is negative")
        self.assert_rejected({**compact_tensors(), "b.weight.gram_diag": np.array([1, 1, -0.5, 1.0])},
                             "tensor 'b.weight.gram_diag': diagonal entry 2 is negative")

    def test_symmetry(self):
        gram = np.array([[4.0, 1.0], [1.0, 9.0]])
        tensors = {"a.weight.count": np.array(1, np.int64), "a.weight.mean": np.zeros(2)}
        tolerance = 1e-4 * np.sqrt(4.0 * 9.0)
        path = self.file()
        within = gram.copy()
        within[0, 1] += 0.9 * tolerance
        save_file({**tensors, "a.weight.gram": within}, path, HEADER)
        read_stats(path)
        beyond = gram.copy()
        beyond[0, 1] += 1.1 * tolerance
        self.assert_rejected({**tensors, "a.weight.gram": beyond},
                             "tensor 'a.weight.gram': not symmetric: element (0, 1)")


if __name__ == "__main__":
    unittest.main()
