"""The package as installed or imported from integrations/python (no torch needed)."""

import os
import subprocess
import sys
import tomllib
import unittest

import lrq_capture

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class PackageTest(unittest.TestCase):
    def test_version_matches_pyproject(self):
        with open(os.path.join(PACKAGE_ROOT, "pyproject.toml"), "rb") as file:
            project = tomllib.load(file)["project"]
        self.assertEqual(project["name"], "lrq-capture")
        self.assertEqual(project["version"], lrq_capture.__version__)
        self.assertEqual(sorted(project["dependencies"]), ["numpy", "safetensors"])

    def test_import_does_not_need_torch(self):
        code = ("import sys, lrq_capture, lrq_capture.synthetic; "
                "print('torch' in sys.modules)")
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                env={**os.environ, "PYTHONPATH": PACKAGE_ROOT}, check=True)
        self.assertEqual(result.stdout.strip(), "False")


if __name__ == "__main__":
    unittest.main()
