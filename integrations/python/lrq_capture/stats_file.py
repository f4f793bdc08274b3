"""Reading and writing activation statistics files (docs/activation-stats.md, format version 1)."""

import contextlib
import os
import re
import secrets
import stat

import numpy as np
from safetensors import SafetensorError, safe_open
from safetensors.numpy import save_file

FORMAT = "lrq.activation_stats"
FORMAT_VERSION = "1"
REQUIRED_METADATA = ("format", "format_version", "producer", "samples")
FIELDS = ("count", "mean", "gram", "gram_diag", "gram_factor")
_FLOAT_DTYPES = {"float32": np.float32, "float64": np.float64}
_SAFETENSORS_DTYPES = {np.dtype(np.int64): "I64", np.dtype(np.float32): "F32",
                       np.dtype(np.float64): "F64"}


def write_stats(path, layers: dict, *, producer: str, samples: int, dtype: str = "float32",
                metadata: dict | None = None) -> None:
    """Writes `layers` (weight key -> LayerAccumulator.finalize() dict) to `path`, atomically.

    Floats are stored as `dtype` (float32 or float64); `metadata` adds string entries to the
    header. The file is checked as `read_stats` would before anything is written.
    """
    if dtype not in _FLOAT_DTYPES:
        raise ValueError(f"dtype {dtype!r}: expected 'float32' or 'float64'")
    header = {"format": FORMAT, "format_version": FORMAT_VERSION, "producer": str(producer),
              "samples": str(samples)}
    extra = {str(key): str(value) for key, value in (metadata or {}).items()}
    if clash := sorted(header.keys() & extra.keys()):
        raise ValueError(f"metadata may not set {', '.join(clash)}: write_stats sets them")
    header.update(extra)
    tensors = {}
    for key, stats in layers.items():
        for field, value in stats.items():
            kind = np.int64 if field == "count" else _FLOAT_DTYPES[dtype]
            tensors[f"{key}.{field}"] = np.asarray(value, dtype=kind, order="C")
    entries = {name: (_SAFETENSORS_DTYPES.get(array.dtype, str(array.dtype)), array.shape)
               for name, array in tensors.items()}
    _checked_layers(path, header, entries, tensors.__getitem__)
    _write_atomically(os.fspath(path), tensors, header)


def read_stats(path) -> tuple[dict, dict]:
    """(metadata, layers) of a statistics file, checked as lrq checks it (docs, "What a reader
    checks"); layers maps weight key -> {count: int, mean, gram | gram_diag + gram_factor} with
    float64 arrays. Raises ValueError naming the file and the tensor or field."""
    try:
        file = safe_open(os.fspath(path), framework="numpy")
    except SafetensorError as error:
        raise ValueError(f"{path}: not a valid safetensors file ({error})") from None
    with file:
        entries = {}
        for name in file.keys():
            view = file.get_slice(name)
            entries[name] = (view.get_dtype(), tuple(view.get_shape()))
        metadata = file.metadata() or {}
        return metadata, _checked_layers(path, metadata, entries, file.get_tensor)


def _write_atomically(path: str, tensors: dict, metadata: dict) -> None:
    """save_file into a temporary file beside `path`, fsync, then rename it over `path`."""
    directory = os.path.dirname(os.path.abspath(path))
    temporary = os.path.join(
        directory, f".{os.path.basename(path)}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    open(temporary, "xb").close()  # reserves the name, with the permissions the umask gives
    try:
        permissions = stat.S_IMODE(os.stat(temporary).st_mode)
        save_file(tensors, temporary, metadata)  # may make a new file, readable by its owner only
        os.chmod(temporary, permissions)
        with open(temporary, "rb+") as file:
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    if os.name == "posix":
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _fail(path, what: str):
    raise ValueError(f"{path}: {what}")


def _checked_layers(path, metadata: dict, entries: dict, load) -> dict:
    """Checks a file given its metadata, {tensor name: (dtype name, shape)} and a loader."""
    for key in REQUIRED_METADATA:
        if key not in metadata:
            _fail(path, f"not an activation statistics file: __metadata__ has no '{key}' "
                        "(see docs/activation-stats.md)")
    if metadata["format"] != FORMAT:
        _fail(path, f"__metadata__ 'format' is '{metadata['format']}', expected '{FORMAT}'")
    if metadata["format_version"] != FORMAT_VERSION:
        _fail(path, f"activation statistics format version '{metadata['format_version']}' is "
                    f"not supported (this reader reads version {FORMAT_VERSION})")
    if not re.fullmatch(r"[0-9]+", metadata["samples"]):
        _fail(path, f"__metadata__ 'samples' must be a non-negative integer, "
                    f"got '{metadata['samples']}'")
    layers: dict[str, set] = {}
    for name in entries:
        key, _, field = name.rpartition(".")
        if not key or field not in FIELDS:
            _fail(path, f"tensor '{name}': not a statistics tensor: the name must be "
                        f"'<weight key>.<field>' with a field of {', '.join(FIELDS)}")
        layers.setdefault(key, set()).add(field)
    if not layers:
        _fail(path, "no layers: the file holds no statistics")
    return {key: _checked_layer(path, key, fields, entries, load)
            for key, fields in layers.items()}


def _checked_layer(path, key: str, fields: set, entries: dict, load) -> dict:
    """Checks one layer's structure, then its values; returns them (floats as float64)."""
    def fail(field, what):
        _fail(path, f"tensor '{key}.{field}': {what}")

    def shape_of(field, expected):
        shape = entries[f"{key}.{field}"][1]
        if shape != expected:
            fail(field, f"shape {list(shape)}, expected {list(expected)}")

    if not {"count", "mean"} <= fields:
        _fail(path, f"layer '{key}': needs both '{key}.count' and '{key}.mean'")
    compact = fields & {"gram_diag", "gram_factor"}
    if ("gram" in fields) == bool(compact) or len(compact) == 1:
        _fail(path, f"layer '{key}': needs either '{key}.gram' or both '{key}.gram_diag' and "
                    f"'{key}.gram_factor'")
    for field in sorted(fields):
        dtype = entries[f"{key}.{field}"][0]
        expected = ("I64",) if field == "count" else ("F32", "F64")
        if dtype not in expected:
            fail(field, f"dtype {dtype}, expected {' or '.join(expected)}")
    shape_of("count", ())
    mean_shape = entries[f"{key}.mean"][1]
    if len(mean_shape) != 1 or mean_shape[0] < 1:
        fail("mean", f"shape {list(mean_shape)}, expected [K]")
    k = mean_shape[0]
    if compact:
        shape_of("gram_diag", (k,))
        factor = entries[f"{key}.gram_factor"][1]
        if len(factor) != 2 or factor[0] != k or not 1 <= factor[1] <= k:
            fail("gram_factor", f"shape {list(factor)}, expected [{k}, r] with 1 <= r <= {k}")
    else:
        shape_of("gram", (k, k))

    count = int(load(f"{key}.count"))
    if count < 1:
        fail("count", f"count {count}, expected at least 1")
    values = {field: np.asarray(load(f"{key}.{field}"), dtype=np.float64)
              for field in sorted(fields - {"count"})}
    for field, array in values.items():
        if (bad := np.flatnonzero(~np.isfinite(array))).size:
            kind = "NaN" if np.isnan(array.flat[bad[0]]) else "infinite"
            fail(field, f"element {bad[0]} is {kind}")
    diagonal_field = "gram_diag" if compact else "gram"
    diagonal = values[diagonal_field] if compact else np.diagonal(values["gram"])
    if (negative := np.flatnonzero(diagonal < 0)).size:
        fail(diagonal_field, f"diagonal entry {negative[0]} is negative "
                             f"({diagonal[negative[0]]}): not a second moment")
    if not compact:
        gram = values["gram"]
        tolerance = 1e-4 * np.sqrt(np.outer(diagonal, diagonal)) + 1e-30
        if (asymmetric := np.argwhere(np.abs(gram - gram.T) > tolerance)).size:
            i, j = asymmetric[0]
            fail("gram", f"not symmetric: element ({i}, {j}) is {gram[i, j]}, "
                         f"({j}, {i}) is {gram[j, i]}")
    return {"count": count, **values}
