"""lrq's ComfyUI custom node: record activation statistics while sampling (README, "Activation
statistics"). Install: link or copy this folder into ComfyUI/custom_nodes/ and make lrq_capture
importable (pip install lrq/integrations/python); when it is not, the copy beside this folder in
lrq's source tree is used."""

import os
import sys

try:
    import lrq_capture  # noqa: F401
except ImportError:
    sys.path.append(os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "python"))

from .record_node import RecordActivationStats  # noqa: E402

NODE_CLASS_MAPPINGS = {"LrqRecordActivationStats": RecordActivationStats}
NODE_DISPLAY_NAME_MAPPINGS = {"LrqRecordActivationStats": "Record activation statistics (lrq)"}
