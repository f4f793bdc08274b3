"""LayerAccumulator and the Nyström factor, on numpy arrays (no torch needed)."""

import unittest

import numpy as np

from lrq_capture.accumulator import LayerAccumulator, nystrom_factor, sketch_matrix


def chunks(x):
    """x split into updates of several shapes, an empty one included."""
    k = x.shape[1]
    return [x[:7], x[7:7], x[7:307].reshape(3, 100, k), x[307:].reshape(1, -1, k)]


def data_with_second_moment(h, n, rng):
    """Rows X [n, K] with Xᵀ X / n == h exactly (up to rounding)."""
    eigenvalues, vectors = np.linalg.eigh(h)
    root = (vectors * np.sqrt(np.maximum(eigenvalues, 0))) @ vectors.T
    orthonormal, _ = np.linalg.qr(rng.standard_normal((n, h.shape[0])))
    return np.sqrt(n) * orthonormal @ root


def low_rank_plus_diagonal(k, rank, floor, rng):
    basis = rng.standard_normal((k, rank)) * rng.uniform(0.5, 3.0, rank)
    return basis @ basis.T + np.diag(floor * rng.uniform(0.5, 1.0, k))


def min_eigenvalue(h, factor):
    return np.linalg.eigvalsh(h - factor @ factor.T).min() / np.linalg.norm(h, 2)


class DenseTest(unittest.TestCase):
    def test_matches_direct_float64_computation(self):
        rng = np.random.default_rng(1)
        x = (rng.standard_normal((1000, 24)) * 3 + rng.standard_normal(24)).astype(np.float32)
        accumulator = LayerAccumulator(24)
        for chunk in chunks(x):
            accumulator.update(chunk)
        stats = accumulator.finalize()
        exact = x.astype(np.float64)
        self.assertEqual(set(stats), {"count", "mean", "gram"})
        self.assertEqual(stats["count"], 1000)
        np.testing.assert_allclose(stats["mean"], exact.mean(0), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(stats["gram"], exact.T @ exact / 1000, rtol=1e-12)
        np.testing.assert_array_equal(stats["gram"], stats["gram"].T)
        self.assertEqual(stats["gram"].dtype, np.float64)


class CompactTest(unittest.TestCase):
    def test_diagonal_is_exact_and_factor_below_h(self):
        rng = np.random.default_rng(2)
        x = rng.standard_normal((1000, 60)) @ rng.standard_normal((60, 60)) + 0.5
        accumulator = LayerAccumulator(60, full_gram_limit=59, rank=10, oversample=5)
        for chunk in chunks(x):
            accumulator.update(chunk)
        stats = accumulator.finalize()
        h = x.T @ x / 1000
        self.assertEqual(set(stats), {"count", "mean", "gram_diag", "gram_factor"})
        self.assertEqual(stats["count"], 1000)
        np.testing.assert_allclose(stats["mean"], x.mean(0), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(stats["gram_diag"], np.diagonal(h), rtol=1e-12)
        self.assertEqual(stats["gram_factor"].shape, (60, 10))
        self.assertGreater(min_eigenvalue(h, stats["gram_factor"]), -1e-10)

    def test_low_rank_plus_diagonal_is_recovered(self):
        rng = np.random.default_rng(3)
        for floor in (0.0, 1e-3):
            for rank in (8, 12, 40):
                with self.subTest(floor=floor, rank=rank):
                    h = low_rank_plus_diagonal(200, 8, floor, rng)
                    x = data_with_second_moment(h, 600, rng)
                    h = x.T @ x / 600
                    accumulator = LayerAccumulator(200, full_gram_limit=100, rank=rank)
                    for chunk in chunks(x):
                        accumulator.update(chunk)
                    stats = accumulator.finalize()
                    factor = stats["gram_factor"]
                    self.assertEqual(factor.shape, (200, rank))
                    self.assertGreater(min_eigenvalue(h, factor), -1e-10)
                    residual = np.maximum(stats["gram_diag"] - (factor**2).sum(1), 0)
                    approximation = factor @ factor.T + np.diag(residual)
                    error = np.linalg.norm(h - approximation) / np.linalg.norm(h)
                    self.assertLess(error, 1e-8 if floor == 0 else 2e-3)

    def test_fewer_ranks_than_the_data_stay_below_h(self):
        rng = np.random.default_rng(4)
        h = low_rank_plus_diagonal(150, 30, 0.1, rng)
        factor = nystrom_factor(h @ sketch_matrix(150, 20, 0), sketch_matrix(150, 20, 0), 10)
        self.assertEqual(factor.shape, (150, 10))
        self.assertGreater(min_eigenvalue(h, factor), -1e-10)

    def test_rank_is_clamped_to_k_and_sketch_of_width_k_works(self):
        rng = np.random.default_rng(5)
        x = rng.standard_normal((500, 3)) @ rng.standard_normal((3, 40))  # rank 3 of 40
        accumulator = LayerAccumulator(40, full_gram_limit=0)
        accumulator.update(x)
        factor = accumulator.finalize()["gram_factor"]
        self.assertEqual(factor.shape, (40, 40))
        h = x.T @ x / 500
        np.testing.assert_allclose(factor @ factor.T, h, atol=1e-8 * np.abs(h).max())

    def test_zero_input_gives_zero_factor(self):
        accumulator = LayerAccumulator(30, full_gram_limit=10, rank=4)
        accumulator.update(np.zeros((5, 30)))
        stats = accumulator.finalize()
        np.testing.assert_array_equal(stats["gram_factor"], np.zeros((30, 4)))
        np.testing.assert_array_equal(stats["gram_diag"], np.zeros(30))

    def test_test_matrix_is_drawn_from_the_seed(self):
        np.testing.assert_array_equal(sketch_matrix(50, 12, 7),
                                      np.random.default_rng(7).standard_normal((50, 12)))
        rng = np.random.default_rng(6)
        x = rng.standard_normal((100, 50))
        factors = []
        for seed in (7, 7, 8):
            accumulator = LayerAccumulator(50, full_gram_limit=0, rank=4, oversample=8,
                                           seed=seed)
            accumulator.update(x)
            factors.append(accumulator.finalize()["gram_factor"])
        np.testing.assert_array_equal(factors[0], factors[1])
        self.assertFalse(np.array_equal(factors[0], factors[2]))


class ErrorTest(unittest.TestCase):
    def test_wrong_width(self):
        accumulator = LayerAccumulator(8)
        for shape in ((4, 9), (8, 1), ()):
            with self.subTest(shape=shape), self.assertRaisesRegex(ValueError, r"expected \[\.\.\., 8\]"):
                accumulator.update(np.ones(shape))

    def test_non_finite_input(self):
        for value in (np.nan, np.inf, -np.inf):
            accumulator = LayerAccumulator(4, full_gram_limit=2)
            bad = np.ones((3, 4), dtype=np.float16)
            bad[1, 2] = value
            with self.subTest(value=value), self.assertRaisesRegex(ValueError, "NaN or an infinity"):
                accumulator.update(bad)
            self.assertEqual(accumulator.count, 0)

    def test_finalize_without_input(self):
        accumulator = LayerAccumulator(4)
        accumulator.update(np.ones((0, 4)))
        with self.assertRaisesRegex(ValueError, "no input was accumulated"):
            accumulator.finalize()

    def test_bad_arguments(self):
        for kwargs in ({"in_features": 0}, {"in_features": 4, "rank": 0},
                       {"in_features": 4, "oversample": -1}):
            with self.subTest(**kwargs), self.assertRaises(ValueError):
                LayerAccumulator(**kwargs)


if __name__ == "__main__":
    unittest.main()
