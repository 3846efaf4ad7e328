#!/usr/bin/python3
"""Data, designs and FLOP counts for the photo benchmark (photo_sizes.sh).

  photo_images.py OUT SIZE PER_CLASS       10 classes of SIZE x SIZE 24-bit BMPs in OUT/class<k>/
  photo_images.py --flops DESIGN [CLASSES] prints DESIGN's training FLOPs per image
  photo_images.py --resize DESIGN SIZE OUT writes DESIGN with its Input resized to SIZE x SIZE
                                           (name "<name>-SIZE") to OUT; prints its training FLOPs
  photo_images.py --design SIZE OUT        the same for resources/templates/photo-cnn.strata.json
                                           (the two-convolution design of issue 21)

Training FLOPs per image are 3 x the forward FLOPs (the backward pass is about twice the
forward). Forward FLOPs are 2 x the multiply-accumulates of the Conv2d and Linear layers (bias,
BatchNorm, activations, pooling and Add not counted), with every shape inferred from the design
itself by following its edges: what PyTorch's counters (fvcore, thop) report for the same
network, times 2. CLASSES (default 10) sizes Linear layers whose out_features is "classes".

Classes of the photos differ in stripe frequency and colour, with noise, so the network has
something to learn; BMP because numpy alone can write it and Strata reads it.
"""
import json
import os
import struct
import sys

import numpy as np

TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "resources", "templates")


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


def topological(design):
    """The nodes in an order where every node comes after its inputs, and each node's inputs
    (sources sorted by port). Without "edges" the nodes chain in list order (docs/ARCHITECTURE.md §5)."""
    nodes = design["nodes"]
    edges = design.get("edges")
    if edges is None:
        edges = [{"from": a["id"], "to": b["id"]} for a, b in zip(nodes, nodes[1:])]
    inputs = {n["id"]: [] for n in nodes}
    for e in edges:
        inputs[e["to"]].append((int(e.get("port", 0)), e["from"]))
    inputs = {k: [src for _, src in sorted(v)] for k, v in inputs.items()}
    order, done = [], set()
    while len(order) < len(nodes):
        ready = [n for n in nodes if n["id"] not in done and all(s in done for s in inputs[n["id"]])]
        if not ready:
            raise ValueError("the design's graph has a cycle")
        order.append(ready[0])
        done.add(ready[0]["id"])
    return order, inputs


def sliding(size, k, stride, pad):
    return (size + 2 * pad - k) // stride + 1


def forward_macs(design, classes=10):
    """Multiply-accumulates of one image's forward pass through the Conv2d and Linear layers,
    and the per-sample output shape of every node."""
    order, inputs = topological(design)
    shapes, macs = {}, 0
    for n in order:
        t, p = n["type"], n.get("params", {})
        ins = [shapes[s] for s in inputs[n["id"]]]
        x = ins[0] if ins else None
        if t == "Input":
            out = (int(p["channels"]), int(p["height"]), int(p["width"]))
        elif t == "Conv2d":
            k, st, pad = int(p["kernel_size"]), int(p.get("stride", 1)), int(p.get("padding", 0))
            out = (int(p["out_channels"]), sliding(x[1], k, st, pad), sliding(x[2], k, st, pad))
            macs += out[0] * out[1] * out[2] * x[0] * k * k
        elif t in ("MaxPool2d", "AvgPool2d"):
            k, pad = int(p["kernel_size"]), int(p.get("padding", 0))
            st = int(p.get("stride", 0)) or k  # 0 means kernel_size
            out = (x[0], sliding(x[1], k, st, pad), sliding(x[2], k, st, pad))
        elif t == "AdaptiveAvgPool2d":
            s = int(p.get("output_size", 1))
            out = (x[0], s, s)
        elif t == "Flatten":
            out = (int(np.prod(x)),)
        elif t == "Linear":
            features = classes if p["out_features"] == "classes" else int(p["out_features"])
            out = (features,)
            macs += x[0] * features
        elif t == "Concat":  # channel axis for images, feature axis for flat inputs
            out = (sum(s[0] for s in ins),) + tuple(x[1:])
        else:  # Output, Add, activations, normalization, dropout: the shape of the first input
            out = x
        shapes[n["id"]] = out
    return macs, shapes


def training_flops(design, classes=10):
    return 3 * 2 * forward_macs(design, classes)[0]


def resized(design, size):
    d = json.loads(json.dumps(design))
    for n in d["nodes"]:
        if n["type"] == "Input":
            n["params"]["height"] = n["params"]["width"] = size
    d["name"] = f"{design.get('name', 'design')}-{size}"
    return d


def main(argv):
    if argv[0] == "--flops":
        with open(argv[1]) as f:
            print(training_flops(json.load(f), int(argv[2]) if len(argv) > 2 else 10))
    elif argv[0] in ("--resize", "--design"):
        src, size, out = ((argv[1], int(argv[2]), argv[3]) if argv[0] == "--resize" else
                          (os.path.join(TEMPLATES, "photo-cnn.strata.json"), int(argv[1]), argv[2]))
        with open(src) as f:
            d = resized(json.load(f), size)
        with open(out, "w") as f:
            json.dump(d, f, indent=1)
        print(training_flops(d))
    else:
        write_folder(argv[0], int(argv[1]), int(argv[2]))


if __name__ == "__main__":
    main(sys.argv[1:])
