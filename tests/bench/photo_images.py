#!/usr/bin/python3
"""Writes a folder of synthetic RGB photos for the photo-size benchmark (photo_sizes.sh), and
the design it trains, with the design's training FLOPs per image.

  photo_images.py OUT SIZE PER_CLASS      10 classes of SIZE x SIZE 24-bit BMPs in OUT/class<k>/
  photo_images.py --design SIZE FILE      the two-convolution design for SIZE x SIZE RGB; prints
                                          its training FLOPs per image (forward x 3)

Classes differ in stripe frequency and colour, with noise, so the network has something to
learn; BMP because numpy alone can write it and Strata reads it.
"""
import json
import os
import struct
import sys

import numpy as np


def write_bmp(path, img):
    h, w, _ = img.shape
    row = (w * 3 + 3) & ~3
    pad = b"\0" * (row - w * 3)
    data = b"".join(img[y, :, ::-1].tobytes() + pad for y in range(h - 1, -1, -1))
    header = b"BM" + struct.pack("<IHHI", 54 + len(data), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 24, 0, len(data), 2835, 2835, 0, 0)
    with open(path, "wb") as f:
        f.write(header + info + data)


def write_folder(out, size, per_class):
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:size, 0:size] / size
    for c in range(10):
        folder = os.path.join(out, f"class{c}")
        os.makedirs(folder, exist_ok=True)
        f = 3 + c
        for i in range(per_class):
            base = np.stack([np.sin(f * xx * 6.28 + i), np.cos(f * yy * 6.28), np.sin((xx + yy) * f * 3.14)], -1)
            img = ((base * 0.5 + 0.5) * 200 + rng.normal(0, 25, base.shape)).clip(0, 255).astype(np.uint8)
            write_bmp(os.path.join(folder, f"{i:05d}.bmp"), img)


def write_design(size, path):
    """Conv2d 3->16 3x3, ReLU, MaxPool 4, Conv2d 16->32 3x3, ReLU, MaxPool 4, Linear."""
    nodes = [
        {"id": "in", "type": "Input", "params": {"channels": 3, "height": size, "width": size}},
        {"id": "conv1", "type": "Conv2d", "params": {"out_channels": 16, "kernel_size": 3}},
        {"id": "relu1", "type": "ReLU"},
        {"id": "pool1", "type": "MaxPool2d", "params": {"kernel_size": 4}},
        {"id": "conv2", "type": "Conv2d", "params": {"out_channels": 32, "kernel_size": 3}},
        {"id": "relu2", "type": "ReLU"},
        {"id": "pool2", "type": "MaxPool2d", "params": {"kernel_size": 4}},
        {"id": "flat", "type": "Flatten"},
        {"id": "fc", "type": "Linear", "params": {"out_features": "classes"}},
        {"id": "out", "type": "Output"},
    ]
    with open(path, "w") as f:
        json.dump({"format": "strata.design/1", "name": f"photo-cnn-{size}", "nodes": nodes}, f, indent=1)
    s1 = size - 2
    s2 = s1 // 4 - 2
    forward = 2 * (s1 * s1 * 16 * 27 + s2 * s2 * 32 * 144 + (s2 // 4) ** 2 * 32 * 10)
    return 3 * forward  # backward: about twice the forward pass


if __name__ == "__main__":
    if sys.argv[1] == "--design":
        print(write_design(int(sys.argv[2]), sys.argv[3]))
    else:
        write_folder(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
