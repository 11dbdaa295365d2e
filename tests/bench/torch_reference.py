#!/usr/bin/python3
"""PyTorch reference for the training benchmark (not a test): the same
architecture as core/ (conv32-conv32-pool-drop, conv64-conv64-pool-drop,
dense128-drop, dense10; ReLU then batch norm), the same optimizer (Adam,
lr 1e-3), batch size and data slice, trained for one epoch on the CPU.

    /usr/bin/python3 tests/bench/torch_reference.py MNIST_DIR COUNT [THREADS]

Prints images/s and peak memory. Needs Debian's python3-torch."""
import resource
import struct
import sys
import time

import numpy as np
import torch
from torch import nn


def read_idx(path, magic):
    with open(path, "rb") as f:
        data = f.read()
    if struct.unpack(">I", data[:4])[0] != magic:
        raise SystemExit(f"{path}: not an IDX file")
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4 : 4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def model():
    def conv(cin, cout):
        return [nn.Conv2d(cin, cout, 3), nn.ReLU(), nn.BatchNorm2d(cout, eps=1e-5, momentum=0.01)]

    return nn.Sequential(
        *conv(1, 32), *conv(32, 32), nn.MaxPool2d(2), nn.Dropout(0.25),
        *conv(32, 64), *conv(64, 64), nn.MaxPool2d(2), nn.Dropout(0.25),
        nn.Flatten(), nn.Linear(1024, 128), nn.ReLU(), nn.BatchNorm1d(128), nn.Dropout(0.5),
        nn.Linear(128, 10))


def main():
    data, count = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(int(sys.argv[3]) if len(sys.argv) > 3 else 2)
    torch.manual_seed(1)
    torch.set_flush_denormal(True)  # denormals otherwise slow later batches several-fold
    images = read_idx(f"{data}/train-images-idx3-ubyte", 2051)[:count]
    labels = read_idx(f"{data}/train-labels-idx1-ubyte", 2049)[:count]
    x = torch.tensor(images, dtype=torch.float32).unsqueeze(1) / 255.0
    y = torch.tensor(labels, dtype=torch.long)
    net = model()
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    net.train()
    start = time.perf_counter()
    order = torch.randperm(count)
    for i in range(0, count, 32):
        batch = order[i : i + 32]
        optimizer.zero_grad()
        loss = loss_fn(net(x[batch]), y[batch])
        loss.backward()
        optimizer.step()
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pytorch {torch.__version__}: {count} images in {seconds:.1f} s = {count / seconds:.0f} images/s, "
          f"final batch loss {loss.item():.3f}, peak memory {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
