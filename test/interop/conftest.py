"""The interop suite's setup: the CLI exports every model once (export-models.mts), then Keras is imported once.

Run through `npm test` (scripts/test.mjs), or alone: .venv-keras/bin/python -m pytest test/interop -q.
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test-results", "interop")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")


def _export_all():
    """Runs the exports at collection time: the tests are parametrised by the models they wrote."""
    done = subprocess.run(
        ["node", "--import", "tsx", "test/interop/export-models.mts", OUT],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        sys.exit(f"interop: exporting the models with the CLI failed: {done.stderr.strip() or done.stdout.strip()}")
    with open(os.path.join(OUT, "manifest.json"), encoding="utf-8") as f:
        return json.load(f)


MODELS = _export_all()
