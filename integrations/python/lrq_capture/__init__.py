"""lrq_capture: records per-layer activation statistics in lrq's format (docs/activation-stats.md).

    import lrq_capture
    with lrq_capture.record(model, "stats.safetensors"):
        run_your_prompts()

torch is needed only by `record`/`Recorder`; the accumulator, the file I/O and the synthetic
generator (`python3 -m lrq_capture.synthetic`) run on numpy alone.
"""

__version__ = "0.1.0"

from .accumulator import LayerAccumulator  # noqa: E402
from .record import Recorder, record  # noqa: E402
from .stats_file import read_stats, write_stats  # noqa: E402

__all__ = ["LayerAccumulator", "Recorder", "read_stats", "record", "write_stats", "__version__"]
