"""Recording the inputs of a torch model's linear layers with forward pre-hooks."""

import contextlib
import re

from . import __version__
from .accumulator import LayerAccumulator
from .stats_file import write_stats


def _torch():
    """The torch module, or a clear ImportError."""
    try:
        import torch
    except ImportError as error:
        raise ImportError("lrq_capture.record needs torch (pip install torch)") from error
    return torch


def hooked_root(model):
    """The module to hook: a ComfyUI ModelPatcher's `model.diffusion_model`, else `model`."""
    torch = _torch()
    diffusion_model = getattr(getattr(model, "model", None), "diffusion_model", None)
    if isinstance(diffusion_model, torch.nn.Module):
        return diffusion_model
    if isinstance(model, torch.nn.Module):
        return model
    raise TypeError(f"cannot record {type(model).__name__}: expected a torch.nn.Module or a "
                    "ComfyUI ModelPatcher (an object whose .model.diffusion_model is a module)")


def linear_width(module):
    """K of a linear layer y = x Wᵀ + b, or None: a torch.nn.Linear (comfy.ops' disable_weight_init
    and manual_cast variants are subclasses) with a 2-D weight, or a module of a class named Linear
    with integer in_features and out_features and a weight, like comfy.ops' MixedPrecisionOps.Linear
    (a torch.nn.Module whose weight may be a quantized tensor)."""
    torch = _torch()
    weight = getattr(module, "weight", None)
    if weight is None:
        return None
    if isinstance(module, torch.nn.Linear):
        return weight.shape[1] if weight.ndim == 2 else None
    in_features, out_features = (getattr(module, name, None)
                                 for name in ("in_features", "out_features"))
    if (type(module).__name__ == "Linear" and isinstance(in_features, int)
            and isinstance(out_features, int) and in_features > 0):
        return in_features
    return None


class Recorder:
    """Accumulates, over any number of attach()/detach() cycles, the inputs of every linear layer
    (`linear_width`), keyed key_prefix + name + ".weight" with names relative to
    `hooked_root(model)`; `include` is a regex searched in the keys."""

    def __init__(self, model, *, full_gram_limit: int = 4096, rank: int = 256,
                 key_prefix: str = "", include: str | None = None, seed: int = 0):
        self.root = hooked_root(model)
        self.full_gram_limit, self.rank, self.seed = full_gram_limit, rank, seed
        self.key_prefix = key_prefix
        self.include = re.compile(include) if include is not None else None
        self.accumulators: dict[str, LayerAccumulator] = {}
        self.samples = 0
        self._handles = []

    def layers(self) -> dict:
        """{key: (module, K)} of the layers that are recorded."""
        found = {}
        for name, module in self.root.named_modules():
            width = linear_width(module)
            if width is None:
                continue
            key = self.key_prefix + (f"{name}.weight" if name else "weight")
            if self.include is None or self.include.search(key):
                found[key] = (module, width)
        return found

    def attach(self) -> None:
        """Registers the hooks; raises ValueError when no layer qualifies."""
        if self._handles:
            raise RuntimeError("the recorder is already attached")
        layers = self.layers()
        if not layers:
            raise ValueError(f"no linear layer in "
                             f"{type(self.root).__name__} matches include="
                             f"{getattr(self.include, 'pattern', None)!r}")
        for key, (module, width) in layers.items():
            if key not in self.accumulators:
                self.accumulators[key] = LayerAccumulator(
                    width, full_gram_limit=self.full_gram_limit,
                    rank=self.rank, seed=self.seed)
            hook = self._pre_hook(self.accumulators[key], key)
            self._handles.append(module.register_forward_pre_hook(hook, with_kwargs=True))
        self._handles.append(self.root.register_forward_hook(self._count_sample))

    def detach(self) -> None:
        """Removes the hooks; what was accumulated is kept."""
        for handle in self._handles:
            handle.remove()
        self._handles = []

    def save(self, path, *, dtype: str = "float32", metadata: dict | None = None) -> None:
        """Writes the statistics of every layer that saw input; ValueError when none did."""
        layers = {key: accumulator.finalize()
                  for key, accumulator in self.accumulators.items() if accumulator.count}
        if not layers:
            raise ValueError(f"{path}: not written: no recorded layer saw any input "
                             "(was the model run inside the recording?)")
        write_stats(path, layers, producer=f"lrq_capture {__version__} "
                    f"(torch {_torch().__version__})", samples=self.samples, dtype=dtype,
                    metadata=metadata)

    @staticmethod
    def _pre_hook(accumulator: LayerAccumulator, key: str):
        torch = _torch()

        def hook(module, args, kwargs):
            x = args[0] if args else kwargs["input"]
            with torch.no_grad():
                try:
                    accumulator.update(x.detach())
                except ValueError as error:
                    raise ValueError(f"recording layer '{key}': {error}") from error

        return hook

    def _count_sample(self, module, args, output) -> None:
        self.samples += 1


@contextlib.contextmanager
def record(model, path, *, full_gram_limit: int = 4096, rank: int = 256, key_prefix: str = "",
           dtype: str = "float32", include: str | None = None, seed: int = 0):
    """Records the linear layers' inputs while the block runs, then writes `path`:

        with lrq_capture.record(model, "stats.safetensors"):
            run_your_prompts()

    The hooks are removed however the block exits; the file is written only when it exits
    normally. Yields the Recorder.
    """
    recorder = Recorder(model, full_gram_limit=full_gram_limit, rank=rank,
                        key_prefix=key_prefix, include=include, seed=seed)
    recorder.attach()
    try:
        yield recorder
    finally:
        recorder.detach()
    recorder.save(path, dtype=dtype)
