"""Writes keras.applications models' to_json() (weights=None: no download) for the canvas bench.

Usage: .venv-keras/bin/python bench/make_application_json.py OUT_DIR NAME...   (e.g. NASNetMobile DenseNet121)
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
import keras  # noqa: E402

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name in sys.argv[2:]:
    model = getattr(keras.applications, name)(weights=None)
    with open(os.path.join(out, f"{name}.json"), "w", encoding="utf-8") as f:
        f.write(model.to_json())
    print(f"{name}: {len(model.layers)} layers")
