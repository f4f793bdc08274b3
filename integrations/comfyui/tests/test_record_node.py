"""The ComfyUI node against stand-ins of the ComfyUI parts it uses (comfy.patcher_extension's
WrappersMP and its executor chain, ModelPatcher.clone/add_wrapper_with_key, folder_paths)."""

import importlib.util
import os
import sys
import tempfile
import types
import unittest

import numpy as np

try:
    import torch
except ImportError:
    torch = None

NODE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(NODE_ROOT, "..", "python"))
from lrq_capture import read_stats  # noqa: E402

OUTER_SAMPLE = "outer_sample"


def install_comfy_stand_ins(output_directory):
    """comfy.patcher_extension and folder_paths modules with what the node touches."""
    extension = types.ModuleType("comfy.patcher_extension")
    extension.WrappersMP = types.SimpleNamespace(OUTER_SAMPLE=OUTER_SAMPLE)
    comfy = types.ModuleType("comfy")
    comfy.patcher_extension = extension
    folder_paths = types.ModuleType("folder_paths")
    folder_paths.get_output_directory = lambda: output_directory
    sys.modules.update({"comfy": comfy, "comfy.patcher_extension": extension,
                        "folder_paths": folder_paths})


def load_node_package():
    spec = importlib.util.spec_from_file_location(
        "lrq_comfyui", os.path.join(NODE_ROOT, "__init__.py"),
        submodule_search_locations=[NODE_ROOT])
    package = importlib.util.module_from_spec(spec)
    sys.modules["lrq_comfyui"] = package
    spec.loader.exec_module(package)
    return package


class Patcher:
    """Like comfy's ModelPatcher: clones share the model and copy the wrappers; sampling runs the
    OUTER_SAMPLE wrappers in order, each given an executor that calls the next."""

    def __init__(self, model, wrappers=None):
        self.model, self.wrappers = model, wrappers or {}

    def clone(self):
        return Patcher(self.model, {kind: {key: list(chain) for key, chain in keyed.items()}
                                    for kind, keyed in self.wrappers.items()})

    def add_wrapper_with_key(self, kind, key, wrapper):
        self.wrappers.setdefault(kind, {}).setdefault(key, []).append(wrapper)

    def sample(self, latents, fail=False):
        chain = [w for keyed in self.wrappers.get(OUTER_SAMPLE, {}).values() for w in keyed]

        def run(index, *args):
            if index == len(chain):
                for latent in args[0]:
                    self.model.diffusion_model(latent)
                if fail:
                    raise RuntimeError("interrupted")
                return "denoised"
            return chain[index](lambda *a, **k: run(index + 1, *a), *args)

        return run(0, latents)


def diffusion_base_model():
    class DiffusionModel(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.img_in = torch.nn.Linear(6, 12)
            self.double_blocks = torch.nn.ModuleList([torch.nn.Linear(12, 12)])

        def forward(self, x):
            return self.double_blocks[0](torch.relu(self.img_in(x)))

    base = torch.nn.Module()
    base.diffusion_model = DiffusionModel()
    return base


@unittest.skipUnless(torch is not None, "torch is not installed: the node hooks torch modules")
class RecordNodeTest(unittest.TestCase):
    def setUp(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.output = directory.name
        install_comfy_stand_ins(self.output)
        self.package = load_node_package()
        self.node = self.package.NODE_CLASS_MAPPINGS["LrqRecordActivationStats"]()
        torch.manual_seed(0)
        self.patcher = Patcher(diffusion_base_model())
        self.inputs = {"img_in": [], "double_blocks.0": []}
        for name, module in self.patcher.model.diffusion_model.named_modules():
            if name in self.inputs:
                module.register_forward_pre_hook(
                    lambda m, args, name=name: self.inputs[name].append(args[0].detach().double().numpy()))

    def wrapped(self, filename="lrq/stats.safetensors"):
        (recording,) = self.node.wrap(self.patcher, filename, full_gram_limit=4096, rank=8)
        return recording

    def assert_file_matches_inputs(self, path, calls):
        metadata, layers = read_stats(path)
        self.assertEqual(metadata["samples"], str(calls))
        self.assertEqual(metadata["recorded_with"], "lrq ComfyUI node")
        self.assertEqual(sorted(layers), ["double_blocks.0.weight", "img_in.weight"])
        for name, arrays in self.inputs.items():
            x = np.concatenate([a.reshape(-1, a.shape[-1]) for a in arrays])
            stats = layers[f"{name}.weight"]
            self.assertEqual(stats["count"], len(x))
            np.testing.assert_allclose(stats["mean"], x.mean(0), rtol=1e-5, atol=1e-6)
            np.testing.assert_allclose(stats["gram"], x.T @ x / len(x), rtol=1e-5, atol=1e-6)

    def test_every_sampling_run_adds_to_the_file(self):
        recording = self.wrapped()
        path = os.path.join(self.output, "lrq", "stats.safetensors")
        self.assertEqual(recording.sample([torch.randn(2, 6), torch.randn(3, 4, 6)]), "denoised")
        self.assert_file_matches_inputs(path, calls=2)
        recording.sample([torch.randn(5, 6)])
        self.assert_file_matches_inputs(path, calls=3)

    def test_only_the_returned_model_records(self):
        recording = self.wrapped()
        self.patcher.sample([torch.randn(2, 6)])  # the input model: not wrapped, not recorded
        self.assertEqual(self.patcher.wrappers, {})
        self.assertFalse(os.path.exists(os.path.join(self.output, "lrq", "stats.safetensors")))
        for values in self.inputs.values():
            values.clear()
        recording.sample([torch.randn(4, 6)])
        self.assert_file_matches_inputs(os.path.join(self.output, "lrq", "stats.safetensors"), 1)
        model = self.patcher.model.diffusion_model
        hooks = sum(len(m._forward_pre_hooks) + len(m._forward_hooks) for m in model.modules())
        self.assertEqual(hooks, len(self.inputs))  # the test's own

    def test_an_interrupted_run_writes_nothing_and_unhooks(self):
        recording = self.wrapped("/".join([self.output, "absolute.safetensors"]))
        with self.assertRaisesRegex(RuntimeError, "interrupted"):
            recording.sample([torch.randn(2, 6)], fail=True)
        self.assertFalse(os.path.exists(os.path.join(self.output, "absolute.safetensors")))
        model = self.patcher.model.diffusion_model
        self.assertEqual(sum(len(m._forward_pre_hooks) for m in model.modules()), 2)

    def test_file_name_must_be_safetensors(self):
        with self.assertRaisesRegex(ValueError, "'stats.bin': .*ends in .safetensors"):
            self.wrapped("stats.bin")

    def test_node_declares_its_interface(self):
        node_class = type(self.node)
        required = node_class.INPUT_TYPES()["required"]
        self.assertEqual(list(required), ["model", "filename", "full_gram_limit", "rank"])
        self.assertEqual((node_class.RETURN_TYPES, node_class.FUNCTION), (("MODEL",), "wrap"))
        self.assertIn("LrqRecordActivationStats", self.package.NODE_DISPLAY_NAME_MAPPINGS)


if __name__ == "__main__":
    unittest.main()
