#!/usr/bin/python3
"""Rebuilds the app's network in PyTorch from the tensors `export_tensors`
wrote (batch norm already folded, as core runs it), checks it computes core's
probabilities, and exports it for the peer runtimes:

    export.py TENSOR_DIR OUT_DIR

OUT_DIR/model.onnx      opset 13, input "image" [1, 1, 28, 28], output "probabilities" [1, 10]
OUT_DIR/tfjs.json       the same layers for TensorFlow.js (channels last), with
OUT_DIR/tfjs.bin        their float32 weights in TensorFlow.js's layouts
OUT_DIR/check.json      the check images and core's probabilities for them

Debian's python3-torch (1.13) and python3-onnx; no network access.
"""
import json
import os
import sys

import numpy as np
import torch
from torch import nn


def load(tensors, name, shape):
    values = np.fromfile(os.path.join(tensors, name), dtype="<f4")
    if values.size != int(np.prod(shape)):
        sys.exit(f"{tensors}/{name}: {values.size} values, expected {int(np.prod(shape))} for shape {shape}")
    return values.reshape(shape)


def rebuild(tensors, manifest):
    """nn.Sequential of the folded network, plus each layer's arrays in core's layouts."""
    layers, arrays, previous_conv = [], [], None
    for layer in manifest["layers"]:
        c_in, h_in, w_in = layer["in"]
        c_out, h_out, w_out = layer["out"]
        if layer["kind"] == "conv":
            # A max pool sits between two convolutions whenever the size halves.
            if previous_conv is not None and h_in * 2 <= previous_conv:
                layers.append(nn.MaxPool2d(2))
                arrays.append(("pool",))
            k = layer["kernel"]
            w = load(tensors, layer["name"] + ".weights.f32", (c_out, c_in, k, k))  # [out][in][ky][kx]
            conv = nn.Conv2d(c_in, c_out, k)
            conv.weight.data = torch.from_numpy(w.copy())
            conv.bias.data = torch.from_numpy(load(tensors, layer["name"] + ".bias.f32", (c_out,)).copy())
            layers += [conv, nn.ReLU()]
            previous_conv = h_out
            arrays.append(("conv", w, conv.bias.data.numpy()))
        else:
            n_in, n_out = c_in * h_in * w_in, c_out * h_out * w_out
            if previous_conv is not None:
                if h_in * 2 <= previous_conv:
                    layers.append(nn.MaxPool2d(2))
                    arrays.append(("pool",))
                layers.append(nn.Flatten())  # [c][y][x]: core's order
                arrays.append(("flatten",))
                previous_conv = None
            w = load(tensors, layer["name"] + ".weights.f32", (n_in, n_out))  # [in][out]
            dense = nn.Linear(n_in, n_out)
            dense.weight.data = torch.from_numpy(w.T.copy())
            dense.bias.data = torch.from_numpy(load(tensors, layer["name"] + ".bias.f32", (n_out,)).copy())
            layers.append(dense)
            if layer["relu"]:
                layers.append(nn.ReLU())
            arrays.append(("dense", w, dense.bias.data.numpy(), (c_in, h_in, w_in), bool(layer["relu"])))
    layers.append(nn.Softmax(dim=1))
    return nn.Sequential(*layers).eval(), arrays


def tfjs_export(arrays, out_dir):
    """TensorFlow.js layers (channels last) and weights: conv kernels [ky][kx][in][out];
    the first dense layer's rows reordered from [c][y][x] to [y][x][c]."""
    layers, blobs, specs = [], [], []
    for a in arrays:
        if a[0] in ("pool", "flatten"):
            layers.append({"type": a[0]})
            continue
        if a[0] == "conv":
            w = a[1].transpose(2, 3, 1, 0)
            layers.append({"type": "conv", "filters": int(w.shape[3]), "kernel": int(w.shape[0]), "relu": True})
        else:
            w = a[1]
            if a[3][1] > 1:  # fed by a feature map
                c, h, wd = a[3]
                w = w.reshape(c, h, wd, -1).transpose(1, 2, 0, 3).reshape(c * h * wd, -1)
            layers.append({"type": "dense", "units": int(w.shape[1]), "relu": a[4]})
        for tensor in (np.ascontiguousarray(w, dtype="<f4"), np.ascontiguousarray(a[2], dtype="<f4")):
            specs.append(list(tensor.shape))
            blobs.append(tensor.tobytes())
    with open(os.path.join(out_dir, "tfjs.bin"), "wb") as f:
        f.write(b"".join(blobs))
    with open(os.path.join(out_dir, "tfjs.json"), "w") as f:
        json.dump({"input": [28, 28, 1], "layers": layers, "weights": specs}, f)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    tensors, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(tensors, "manifest.json")) as f:
        manifest = json.load(f)
    torch.set_num_threads(1)
    model, arrays = rebuild(tensors, manifest)
    n = manifest["check_images"]
    images = load(tensors, "check_images.f32", (n, 1, 28, 28))
    expected = load(tensors, "check_probabilities.f32", (n, 10))
    with torch.no_grad():
        got = model(torch.from_numpy(images.copy())).numpy()
    difference = float(np.abs(got - expected).max())
    print(f"PyTorch rebuild vs core on {n} test images: largest probability difference {difference:.2e}")
    if difference > 1e-4:
        sys.exit("the rebuilt network does not compute what core computes")
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), os.path.join(out_dir, "model.onnx"), opset_version=13,
                      input_names=["image"], output_names=["probabilities"])
    tfjs_export(arrays, out_dir)
    with open(os.path.join(out_dir, "check.json"), "w") as f:
        json.dump({"images": images.reshape(n, -1).tolist(), "probabilities": expected.tolist()}, f)
    print(f"wrote {out_dir}/model.onnx, tfjs.json + tfjs.bin, check.json; the network: {model}")


if __name__ == "__main__":
    main()
