"""record()/Recorder on real torch models, and LayerAccumulator on torch tensors."""

import os
import tempfile
import types
import unittest

import numpy as np

try:
    import torch
except ImportError:
    torch = None

from lrq_capture import LayerAccumulator, Recorder, read_stats, record
from lrq_capture.synthetic import layer_distribution, synthesize

requires_torch = unittest.skipUnless(
    torch is not None, "torch is not installed: record() and the torch accumulator need it")
requires_cuda = unittest.skipUnless(
    torch is not None and torch.cuda.is_available(), "torch sees no CUDA device")


def cast_linear_class():
    """A subclass of torch.nn.Linear like comfy.ops' Linear: casts its weight in forward."""
    class CastLinear(torch.nn.Linear):
        def forward(self, x):
            bias = None if self.bias is None else self.bias.to(x.dtype)
            return torch.nn.functional.linear(x, self.weight.to(x.dtype), bias)
    return CastLinear


def mixed_precision_linear_class():
    """Like comfy.ops' MixedPrecisionOps.Linear: a torch.nn.Module, not a torch.nn.Linear, that
    declares in_features and out_features and keeps its weight in a storage format of its own."""
    class Linear(torch.nn.Module):
        def __init__(self, in_features, out_features):
            super().__init__()
            self.in_features, self.out_features = in_features, out_features
            self.weight = torch.nn.Parameter(torch.randn(out_features * in_features))
            self.bias = torch.nn.Parameter(torch.zeros(out_features))

        def forward(self, x, *args, **kwargs):
            weight = self.weight.view(self.out_features, self.in_features)
            return torch.nn.functional.linear(x, weight, self.bias)
    return Linear


def sequential(device="cpu"):
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.GELU(),
                               cast_linear_class()(16, 40), torch.nn.ReLU(),
                               torch.nn.Linear(40, 4, bias=False)).to(device)


def capture_inputs(model):
    """{module name: [float64 numpy inputs]} recorded by hooks of the test's own."""
    captured = {}
    for name, module in model.named_modules():
        if isinstance(module, torch.nn.Linear):
            inputs = captured.setdefault(name, [])
            module.register_forward_pre_hook(
                lambda module, args, kwargs, inputs=inputs: inputs.append(
                    (args[0] if args else kwargs["input"]).detach().double().cpu().numpy()),
                with_kwargs=True)
    return captured


def hook_count(model):
    return sum(len(m._forward_pre_hooks) + len(m._forward_hooks) for m in model.modules())


class TorchTest(unittest.TestCase):
    def setUp(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.path = os.path.join(directory.name, "stats.safetensors")

    def assert_matches_inputs(self, layers, captured, prefix="", rtol=1e-5):
        for name, inputs in captured.items():
            stats = layers[f"{prefix}{name}.weight"]
            x = np.concatenate([a.reshape(-1, a.shape[-1]) for a in inputs])
            h = x.T @ x / len(x)
            with self.subTest(name):
                self.assertEqual(stats["count"], len(x))
                np.testing.assert_allclose(stats["mean"], x.mean(0), rtol=rtol,
                                           atol=rtol * np.abs(x).max())
                if "gram" in stats:
                    np.testing.assert_allclose(stats["gram"], h, rtol=rtol, atol=rtol * h.max())
                else:
                    np.testing.assert_allclose(stats["gram_diag"], np.diagonal(h), rtol=rtol,
                                               atol=rtol * h.max())
                    factor = stats["gram_factor"]
                    lowest = np.linalg.eigvalsh(h - factor @ factor.T).min()
                    self.assertGreater(lowest, -1e-5 * np.linalg.norm(h, 2))


@requires_torch
class RecordTest(TorchTest):
    def test_sequential_matches_direct_statistics(self):
        model = sequential()
        captured = capture_inputs(model)
        with record(model, self.path, full_gram_limit=16, rank=6):
            for batch in (torch.randn(5, 8), torch.randn(2, 3, 8), torch.randn(1, 8)):
                model(batch)
        metadata, layers = read_stats(self.path)
        self.assertEqual(metadata["samples"], "3")
        self.assertEqual(metadata["producer"], f"lrq_capture 0.1.0 (torch {torch.__version__})")
        self.assertEqual(sorted(layers), ["0.weight", "2.weight", "4.weight"])
        self.assertIn("gram", layers["2.weight"])
        self.assertEqual(layers["4.weight"]["gram_factor"].shape, (40, 6))
        self.assert_matches_inputs(layers, captured)
        self.assertEqual(hook_count(model), len(captured))  # only the test's own hooks remain

    def test_factor_equals_numpy_accumulation(self):
        model = sequential()
        captured = capture_inputs(model)
        with record(model, self.path, full_gram_limit=16, rank=6, dtype="float64", seed=3):
            model(torch.randn(64, 8))
        factor = read_stats(self.path)[1]["4.weight"]["gram_factor"]
        accumulator = LayerAccumulator(40, full_gram_limit=16, rank=6, seed=3)
        accumulator.update(captured["4"][0])
        np.testing.assert_allclose(factor, accumulator.finalize()["gram_factor"], rtol=1e-9,
                                   atol=1e-12)

    def test_hooks_are_removed_on_exception_and_nothing_written(self):
        model = sequential()
        with self.assertRaisesRegex(RuntimeError, "stop"):
            with record(model, self.path):
                model(torch.randn(2, 8))
                raise RuntimeError("stop")
        self.assertEqual(hook_count(model), 0)
        self.assertFalse(os.path.exists(self.path))

    def test_no_input_is_an_error(self):
        model = sequential()
        with self.assertRaisesRegex(ValueError, "no recorded layer saw any input"):
            with record(model, self.path):
                pass
        self.assertEqual(hook_count(model), 0)
        self.assertFalse(os.path.exists(self.path))

    def test_non_finite_input_names_the_layer(self):
        model = sequential()
        with self.assertRaisesRegex(ValueError, "recording layer '0.weight': .*NaN"):
            with record(model, self.path):
                model(torch.full((1, 8), float("nan")))
        self.assertEqual(hook_count(model), 0)

    def test_prefix_and_include(self):
        model = sequential()
        with record(model, self.path, key_prefix="model.", include=r"^model\.[04]\."):
            model(torch.randn(3, 8))
        self.assertEqual(sorted(read_stats(self.path)[1]), ["model.0.weight", "model.4.weight"])
        with self.assertRaisesRegex(ValueError, "no linear layer in"):
            with record(model, self.path, include="nothing"):
                pass
        self.assertEqual(hook_count(model), 0)

    def test_model_patcher_keys_are_relative_to_the_diffusion_model(self):
        class Attention(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.qkv, self.proj = torch.nn.Linear(8, 24), cast_linear_class()(24, 8)

            def forward(self, x):
                return self.proj(self.qkv(x))

        class Block(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.img_attn = Attention()

            def forward(self, x):
                return x + self.img_attn(x)

        class DiffusionModel(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.img_in = torch.nn.Linear(4, 8)
                self.double_blocks = torch.nn.ModuleList([Block()])

            def forward(self, x):
                return self.double_blocks[0](self.img_in(x))

        class BaseModel(torch.nn.Module):  # like comfy.model_base.BaseModel
            def __init__(self):
                super().__init__()
                self.diffusion_model = DiffusionModel()
                self.outside = torch.nn.Linear(2, 2)

        patcher = types.SimpleNamespace(model=BaseModel())  # like comfy's ModelPatcher
        diffusion_model = patcher.model.diffusion_model
        captured = capture_inputs(diffusion_model)
        with record(patcher, self.path):
            diffusion_model(torch.randn(2, 5, 4))
            diffusion_model(torch.randn(1, 7, 4))
            patcher.model.outside(torch.randn(1, 2))
        metadata, layers = read_stats(self.path)
        self.assertEqual(sorted(layers), ["double_blocks.0.img_attn.proj.weight",
                                          "double_blocks.0.img_attn.qkv.weight",
                                          "img_in.weight"])
        self.assertEqual(metadata["samples"], "2")
        self.assert_matches_inputs(layers, captured)

    def test_comfy_mixed_precision_linear_is_recorded_and_others_are_not(self):
        class Model(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.mixed = mixed_precision_linear_class()(6, 10)
                self.conv = torch.nn.Conv1d(10, 10, 1)
                self.embedding = torch.nn.Embedding(4, 6)

            def forward(self, tokens):
                return self.conv(self.mixed(self.embedding(tokens)).transpose(1, 2))

        model = Model()
        inputs = []
        model.mixed.register_forward_pre_hook(
            lambda module, args: inputs.append(args[0].detach().double().numpy()))
        with record(model, self.path):
            model(torch.tensor([[0, 1, 2], [3, 3, 1]]))
        layers = read_stats(self.path)[1]
        self.assertEqual(sorted(layers), ["mixed.weight"])
        self.assert_matches_inputs(layers, {"mixed": inputs})

    def test_half_precision_inputs(self):
        for dtype in (torch.float16, torch.bfloat16):
            with self.subTest(dtype=dtype):
                model = sequential().to(dtype)
                captured = capture_inputs(model)
                with record(model, self.path, full_gram_limit=16, rank=4):
                    model(torch.randn(6, 8, dtype=dtype))
                    model(torch.randn(2, 3, 8, dtype=dtype))
                self.assert_matches_inputs(read_stats(self.path)[1], captured)

    def test_recorder_accumulates_over_cycles_and_modes(self):
        model = sequential()
        recorder = Recorder(model, full_gram_limit=16)
        captured = capture_inputs(model)  # hooks of the test's own, which stay
        recorder.attach()
        with self.assertRaisesRegex(RuntimeError, "already attached"):
            recorder.attach()
        with torch.inference_mode():
            model(torch.randn(4, 8))
        recorder.detach()
        model(torch.randn(9, 8))  # not recorded
        recorder.attach()
        with torch.no_grad():
            model(torch.randn(3, 8))
        model(torch.randn(2, 8, requires_grad=True))
        model[0](input=torch.randn(1, 8))  # a keyword input, recorded by layer 0 only
        recorder.detach()
        self.assertEqual(hook_count(model), len(captured))
        for accumulator in recorder.accumulators.values():
            self.assertFalse(any(total.requires_grad for total in accumulator._totals))
        recorder.save(self.path, metadata={"description": "cycles"})
        metadata, layers = read_stats(self.path)
        self.assertEqual((metadata["samples"], metadata["description"]), ("3", "cycles"))
        self.assertEqual(layers["0.weight"]["count"], 4 + 3 + 2 + 1)
        self.assertEqual(layers["2.weight"]["count"], 4 + 3 + 2)


@requires_torch
class TorchAccumulatorTest(unittest.TestCase):
    def test_torch_and_numpy_agree(self):
        x = np.random.default_rng(0).standard_normal((300, 50)).astype(np.float32)
        for limit in (64, 10):
            with self.subTest(dense=limit == 64):
                results = []
                for data in (x, torch.from_numpy(x)):
                    accumulator = LayerAccumulator(50, full_gram_limit=limit, rank=5)
                    accumulator.update(data[:100])
                    accumulator.update(data[100:])
                    results.append(accumulator.finalize())
                self.assertEqual(results[0].keys(), results[1].keys())
                for field in results[0].keys() - {"count"}:
                    self.assertIsInstance(results[1][field], np.ndarray)
                    np.testing.assert_allclose(results[1][field], results[0][field], rtol=1e-10,
                                               atol=1e-12)

    def test_wrong_width_and_non_finite(self):
        accumulator = LayerAccumulator(4)
        with self.assertRaisesRegex(ValueError, r"expected \[\.\.\., 4\]"):
            accumulator.update(torch.ones(2, 5))
        with self.assertRaisesRegex(ValueError, "NaN or an infinity"):
            accumulator.update(torch.tensor([[1.0, float("inf"), 0.0, 0.0]], dtype=torch.bfloat16))


@requires_cuda
class CudaTest(TorchTest):
    def test_record_on_the_gpu(self):
        model = sequential("cuda")
        captured = capture_inputs(model)
        with record(model, self.path, full_gram_limit=16, rank=6) as recorder:
            model(torch.randn(50, 8, device="cuda"))
            model(torch.randn(4, 9, 8, device="cuda"))
        for accumulator in recorder.accumulators.values():
            self.assertTrue(all(total.device.type == "cuda" for total in accumulator._totals))
        self.assert_matches_inputs(read_stats(self.path)[1], captured)

    def test_accumulator_stays_on_the_gpu_and_matches_numpy(self):
        x = np.random.default_rng(1).standard_normal((500, 80))
        for limit in (100, 20):
            with self.subTest(dense=limit == 100):
                gpu = LayerAccumulator(80, full_gram_limit=limit, rank=8)
                cpu = LayerAccumulator(80, full_gram_limit=limit, rank=8)
                gpu.update(torch.as_tensor(x, device="cuda"))
                cpu.update(x)
                self.assertTrue(all(total.is_cuda for total in gpu._totals))
                expected = cpu.finalize()
                for field, value in gpu.finalize().items():
                    np.testing.assert_allclose(value, expected[field], rtol=1e-8, atol=1e-10)

    def test_synthetic_on_the_gpu_has_the_cpu_distribution(self):
        from safetensors.numpy import save_file
        model = os.path.join(os.path.dirname(self.path), "model.safetensors")
        save_file({"a.weight": np.zeros((4, 32), np.float32),
                   "b.weight": np.zeros((4, 96), np.float32)}, model)
        files = {}
        for device in ("cpu", "cuda"):
            files[device] = os.path.join(os.path.dirname(self.path), f"{device}.safetensors")
            synthesize(model, files[device], samples=20000, seed=1, device=device,
                       full_gram_limit=64, rank=8, log=lambda line: None)
        cpu, gpu = (read_stats(files[device])[1] for device in ("cpu", "cuda"))
        for key, k in (("a.weight", 32), ("b.weight", 96)):
            _, scales, directions = layer_distribution(0, key, k)
            spread = np.sqrt(2 * (scales**2 + (directions**2).sum(1)) / 20000)
            difference = np.abs(cpu[key]["mean"] - gpu[key]["mean"]) / spread
            self.assertLess(difference.max(), 5.0)
            self.assertGreater(difference.max(), 0.0)


if __name__ == "__main__":
    unittest.main()
