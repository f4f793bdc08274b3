"""Streaming statistics of one linear layer's inputs: count, mean and second moment H = E[xᵀx].

The same code serves numpy arrays (accumulated on the host) and torch tensors (accumulated on
their own device); everything is accumulated in float64. Up to `full_gram_limit` inputs H is
accumulated densely; above it, the exact diagonal plus a randomized Nyström sketch, finalized
into a low-rank factor F with F Fᵀ ⪯ H (Tropp, Yurtsever, Udell, Cevher 2017, "Fixed-rank
approximation of a positive-semidefinite matrix from streaming data", Algorithm 3).
"""

import functools
import sys

import numpy as np


@functools.lru_cache(maxsize=8)
def sketch_matrix(rows: int, columns: int, seed: int) -> np.ndarray:
    """The Gaussian test matrix Ω [rows, columns] of `seed`, shared (not to be modified) by the
    layers of one width."""
    return np.random.default_rng(seed).standard_normal((rows, columns))


def _namespace(x):
    """(library, device) of an input: (numpy, None) or (torch, its device)."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(x, torch.Tensor):
        return torch, x.device
    return np, None


def _float64(xp, device, value):
    """`value` (numpy or torch) as a float64 array of library `xp` on `device`."""
    if xp is np:
        return np.asarray(value, dtype=np.float64)
    return xp.as_tensor(value, dtype=xp.float64, device=device)


def _host(value) -> np.ndarray:
    """An accumulated float64 array of either library, as numpy."""
    return value if isinstance(value, np.ndarray) else value.cpu().numpy()


def nystrom_factor(y: np.ndarray, omega: np.ndarray, rank: int) -> np.ndarray:
    """F [K, rank] with F Fᵀ ⪯ H, close to H, from the sketch Y = H Ω of a PSD H (Tropp et al.).

    The shift ν = eps·‖Y‖ makes Ωᵀ(Y + νΩ) positive definite; where rounding still defeats the
    Cholesky factorization (a rank-deficient H sketched with nearly as many columns as K), ν is
    raised tenfold, up to 1e-6·‖Y‖.
    """
    norm = np.linalg.norm(y, 2)
    if norm == 0.0:
        return np.zeros((y.shape[0], rank))
    shift = np.finfo(np.float64).eps * norm
    while True:
        shifted = y + shift * omega
        core = omega.T @ shifted
        try:
            lower = np.linalg.cholesky((core + core.T) / 2)
            break
        except np.linalg.LinAlgError:
            if shift > 1e-6 * norm:
                raise
            shift *= 10
    basis, singular, _ = np.linalg.svd(np.linalg.solve(lower, shifted.T).T, full_matrices=False)
    eigenvalues = np.maximum(singular[:rank] ** 2 - shift, 0.0)
    return basis[:, :rank] * np.sqrt(eigenvalues)


class LayerAccumulator:
    """Accumulates the inputs x [..., K] of one layer; `finalize()` gives the file's fields.

    The first `update` fixes the library (numpy or torch) and, for torch, the device; later inputs
    are converted to them. Inputs are float arrays of any dtype; pass torch tensors detached.
    """

    def __init__(self, in_features: int, *, full_gram_limit: int = 4096, rank: int = 256,
                 oversample: int = 16, seed: int = 0):
        if in_features < 1 or rank < 1 or oversample < 0 or full_gram_limit < 0:
            raise ValueError("in_features and rank must be >= 1, oversample and "
                             "full_gram_limit >= 0")
        self.in_features = in_features
        self.dense = in_features <= full_gram_limit
        self.rank = min(rank, in_features)
        self.sketch_width = min(rank + oversample, in_features)
        self.seed = seed
        self.count = 0
        self._xp = self._device = self._omega = None
        self._totals = None  # [Σx, Σxᵀx] dense, or [Σx, Σx², Σxᵀ(xΩ)] compact

    def update(self, x) -> None:
        """Adds the rows of x [..., K] (numpy array or torch tensor)."""
        if self._xp is None:
            self._xp, self._device = _namespace(x)
        xp = self._xp
        x = _float64(xp, self._device, x)
        if x.ndim < 1 or x.shape[-1] != self.in_features:
            raise ValueError(f"input of shape {tuple(x.shape)}: expected [..., {self.in_features}]")
        rows = x.reshape(-1, self.in_features)
        if rows.shape[0] == 0:
            return
        if not bool(xp.isfinite(rows).all()):
            raise ValueError("input holds a NaN or an infinity")
        if self.dense:
            parts = [rows.sum(0), rows.T @ rows]
        else:
            if self._omega is None:
                omega = sketch_matrix(self.in_features, self.sketch_width, self.seed)
                self._omega = _float64(xp, self._device, omega)
            parts = [rows.sum(0), (rows * rows).sum(0), rows.T @ (rows @ self._omega)]
        # Out of place, so that torch inference-mode tensors may be accumulated in any mode.
        self._totals = parts if self._totals is None else [
            total + part for total, part in zip(self._totals, parts)]
        self.count += rows.shape[0]

    def finalize(self) -> dict:
        """{count, mean, gram} or {count, mean, gram_diag, gram_factor}, float64 numpy arrays."""
        if self.count == 0:
            raise ValueError("no input was accumulated: finalize() needs at least one row")
        n = self.count
        totals = [_host(total) / n for total in self._totals]
        stats = {"count": n, "mean": totals[0]}
        if self.dense:
            stats["gram"] = (totals[1] + totals[1].T) / 2
        else:
            omega = sketch_matrix(self.in_features, self.sketch_width, self.seed)
            stats["gram_diag"] = totals[1]
            stats["gram_factor"] = nystrom_factor(totals[2], omega, self.rank)
        return stats
