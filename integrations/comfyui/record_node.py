"""The node that wraps a MODEL so that every sampling run with it records the inputs of its
diffusion model's linear layers and rewrites an activation statistics file."""

import logging
import os

from lrq_capture import Recorder

WRAPPER_KEY = "lrq_record_activation_stats"


def statistics_path(filename: str, output_directory: str) -> str:
    """`filename` if absolute, else under ComfyUI's output directory; its folder is created."""
    path = filename if os.path.isabs(filename) else os.path.join(output_directory, filename)
    if not path.endswith(".safetensors"):
        raise ValueError(f"'{filename}': an activation statistics file ends in .safetensors")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    return path


def recording_wrapper(recorder: Recorder, path: str):
    """An OUTER_SAMPLE wrapper: hooks the layers for one sampling run, then writes everything
    recorded so far (this run and the earlier ones of the same node output) to `path`."""
    def wrapper(executor, *args, **kwargs):
        recorder.attach()
        try:
            output = executor(*args, **kwargs)
        finally:
            recorder.detach()
        recorder.save(path, metadata={"recorded_with": "lrq ComfyUI node"})
        logging.info("lrq: activation statistics of %d layers from %d model calls written to %s",
                     len(recorder.accumulators), recorder.samples, path)
        return output

    return wrapper


class RecordActivationStats:
    """MODEL in, MODEL out: the same model, which records while it samples."""

    CATEGORY = "lrq"
    RETURN_TYPES = ("MODEL",)
    FUNCTION = "wrap"
    DESCRIPTION = ("Records the inputs of the diffusion model's linear layers while you sample "
                   "with the returned model, for lrq's data-aware quantization (calibration.stats). "
                   "Every sampling run adds to the statistics and rewrites the file; a new file "
                   "name starts afresh.")

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {
            "model": ("MODEL",),
            "filename": ("STRING", {
                "default": "lrq/activation_stats.safetensors",
                "tooltip": "where to write, relative to ComfyUI's output directory, or absolute"}),
            "full_gram_limit": ("INT", {
                "default": 4096, "min": 0, "max": 65536,
                "tooltip": "layers with at most this many inputs get the full second moment "
                           "(8·K² bytes of GPU memory each while recording); wider layers the "
                           "compact form. Lower it when the GPU runs short."}),
            "rank": ("INT", {
                "default": 256, "min": 1, "max": 4096,
                "tooltip": "rank of the compact form's low-rank factor"}),
        }}

    def wrap(self, model, filename, full_gram_limit, rank):
        import comfy.patcher_extension
        import folder_paths

        path = statistics_path(filename, folder_paths.get_output_directory())
        recording = model.clone()
        recorder = Recorder(recording, full_gram_limit=full_gram_limit, rank=rank)
        recording.add_wrapper_with_key(comfy.patcher_extension.WrappersMP.OUTER_SAMPLE,
                                       WRAPPER_KEY, recording_wrapper(recorder, path))
        return (recording,)
