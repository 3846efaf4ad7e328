#!/usr/bin/python3
"""PyTorch baseline for Strata's benchmark: the script a user would write without Strata.

Translates a Strata design (strata.design/1) into an nn.Module that runs the DAG, then
trains it the usual way: torchvision.datasets.ImageFolder + transforms + DataLoader
(shuffle, num_workers = threads), Adam lr 1e-3, cross-entropy, torch.set_num_threads(threads).

    pytorch_baseline.py DESIGN --data DIR [--test DIR] --epochs N --batch-size B --threads T
                        [--limit-per-class K] [--norm dataset|fixed] [--json FILE]
                        [--compute-only] [--precision fp32|bf16] [--kernels torch|onednn]

--compute-only decodes the training set once into one normalized float tensor (not timed) and
then times epochs that only gather shuffled batches from it and train: the compute alone, to
compare with Strata's epochs on its decoded-data cache. --precision bf16 runs the forward pass
under torch.autocast("cpu", dtype=torch.bfloat16), loss and weights fp32, as Strata does.

--kernels onednn swaps nn.Linear and nn.MaxPool2d for the oneDNN kernels Strata runs them on
(torch.ops.aten.mkldnn_linear / max_pool2d on an mkldnn tensor, fp32 outside autocast only):
not what a typical script does, but it separates Strata's kernel choice from the rest.

Normalization: by default (--norm dataset) the per-channel mean and std of the training set
are computed the way Strata does (one pass over the training images after grayscale/RGB
conversion and resize, scaled to [0, 1]; population std over all pixels; a std of 0 becomes
1). That pass is timed separately ("stats") and is not part of the per-epoch images/s.
--norm fixed uses mean 0.5 / std 0.5 per channel and skips the pass.

Per-epoch images/s count the whole training loop, data loading (decode, transforms,
collation in the DataLoader workers) included. Train accuracy is the running accuracy over
the epoch's batches (model in train mode), as Strata reports it. The last line is
"RESULT {json}" for scripts.
"""
import argparse
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from torchvision import transforms

LAYER_TYPES = {
    "Input", "Output", "Conv2d", "Linear", "ReLU", "LeakyReLU", "GELU", "Sigmoid", "Tanh",
    "BatchNorm2d", "BatchNorm1d", "LayerNorm", "Dropout", "Dropout2d", "MaxPool2d",
    "AvgPool2d", "AdaptiveAvgPool2d", "Flatten", "Add", "Concat",
    "PatchEmbed", "ClassToken", "PositionEmbedding", "MultiheadAttention", "TokenPool",
}


def onednn_takes(x):
    """As Strata's oneDnnTakes: fp32 CPU tensors outside autocast."""
    return (torch.backends.mkldnn.is_available() and x.dtype == torch.float32 and x.numel() > 0
            and not torch.is_autocast_cpu_enabled())


class OneDnnLinear(nn.Linear):
    def forward(self, x):
        if onednn_takes(x):  # oneDNN takes 2-D inputs: tokens [N, T, D] go in as [N*T, D]
            rows = x.reshape(-1, x.shape[-1]).contiguous()
            y = torch.ops.aten.mkldnn_linear(rows.to_mkldnn(), self.weight, self.bias).to_dense()
            return y.view(*x.shape[:-1], y.shape[-1])
        return super().forward(x)


# The token layers as a PyTorch user writes a ViT (torchvision's initialization).
class PatchEmbed(nn.Module):
    def __init__(self, channels, patch, dim):
        super().__init__()
        self.proj = nn.Conv2d(channels, dim, patch, stride=patch)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class ClassToken(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.token = nn.Parameter(torch.zeros(1, 1, dim))

    def forward(self, x):
        return torch.cat([self.token.expand(x.shape[0], -1, -1).to(x.dtype), x], dim=1)


class PositionEmbedding(nn.Module):
    def __init__(self, count, dim):
        super().__init__()
        self.embedding = nn.Parameter(torch.empty(1, count, dim).normal_(std=0.02))

    def forward(self, x):
        return x + self.embedding


class SelfAttention(nn.Module):
    def __init__(self, dim, heads, dropout, bias):
        super().__init__()
        self.attn = nn.MultiheadAttention(dim, heads, dropout=dropout, bias=bias, batch_first=True)

    def forward(self, x):
        return self.attn(x, x, x, need_weights=False)[0]


class TokenPool(nn.Module):
    def __init__(self, mean):
        super().__init__()
        self.mean = mean

    def forward(self, x):
        return x.mean(1) if self.mean else x[:, 0]


class OneDnnMaxPool2d(nn.MaxPool2d):
    def forward(self, x):
        if onednn_takes(x) and x.dim() == 4:
            return F.max_pool2d(x.to_mkldnn(), self.kernel_size, self.stride, self.padding).to_dense()
        return super().forward(x)


KERNELS = {"torch": {"Linear": nn.Linear, "MaxPool2d": nn.MaxPool2d},
           "onednn": {"Linear": OneDnnLinear, "MaxPool2d": OneDnnMaxPool2d}}
kernels = KERNELS["torch"]


def make_layer(ntype, p, in_shapes):
    """One nn.Module for a node, given its params and its input shapes (with batch dim)."""
    s = in_shapes[0] if in_shapes else None
    if ntype == "Conv2d":
        return nn.Conv2d(s[1], int(p["out_channels"]), int(p["kernel_size"]),
                         stride=int(p.get("stride", 1)), padding=int(p.get("padding", 0)),
                         bias=bool(p.get("bias", True)))
    if ntype == "Linear":
        return kernels["Linear"](s[-1], int(p["out_features"]), bias=bool(p.get("bias", True)))
    if ntype == "ReLU":
        return nn.ReLU()
    if ntype == "LeakyReLU":
        return nn.LeakyReLU(float(p.get("negative_slope", 0.01)))
    if ntype == "GELU":
        return nn.GELU()
    if ntype == "Sigmoid":
        return nn.Sigmoid()
    if ntype == "Tanh":
        return nn.Tanh()
    if ntype in ("BatchNorm2d", "BatchNorm1d"):
        cls = nn.BatchNorm2d if ntype == "BatchNorm2d" else nn.BatchNorm1d
        return cls(s[1], eps=float(p.get("eps", 1e-5)), momentum=float(p.get("momentum", 0.1)))
    if ntype == "LayerNorm":  # over the whole per-sample shape ("all") or the last axis ("last")
        shape = [s[-1]] if p.get("normalized_shape", "all") == "last" else list(s[1:])
        return nn.LayerNorm(shape, eps=float(p.get("eps", 1e-5)),
                            elementwise_affine=bool(p.get("elementwise_affine", True)))
    if ntype == "Dropout":
        return nn.Dropout(float(p.get("p", 0.5)))
    if ntype == "Dropout2d":
        return nn.Dropout2d(float(p.get("p", 0.5)))
    if ntype in ("MaxPool2d", "AvgPool2d"):
        k = int(p["kernel_size"])
        stride = int(p.get("stride", 0)) or k  # 0 means kernel_size
        cls = kernels["MaxPool2d"] if ntype == "MaxPool2d" else nn.AvgPool2d
        return cls(k, stride=stride, padding=int(p.get("padding", 0)))
    if ntype == "AdaptiveAvgPool2d":
        return nn.AdaptiveAvgPool2d(int(p.get("output_size", 1)))
    if ntype == "Flatten":
        return nn.Flatten()
    if ntype == "PatchEmbed":
        return PatchEmbed(s[1], int(p["patch_size"]), int(p["embed_dim"]))
    if ntype == "ClassToken":
        return ClassToken(s[2])
    if ntype == "PositionEmbedding":
        return PositionEmbedding(s[1], s[2])
    if ntype == "MultiheadAttention":
        return SelfAttention(s[2], int(p["num_heads"]), float(p.get("dropout", 0.0)), bool(p.get("bias", True)))
    if ntype == "TokenPool":
        return TokenPool(p.get("mode", "cls") == "mean")
    if ntype in ("Input", "Output", "Add", "Concat"):
        return None  # handled in forward
    raise ValueError("unknown layer type " + ntype)


class DesignNet(nn.Module):
    """Runs a Strata design's DAG; layer sizes come from shape propagation."""

    def __init__(self, design, classes):
        super().__init__()
        if design.get("format") != "strata.design/1":
            raise ValueError("not a strata.design/1 file")
        nodes = design["nodes"]
        byid = {n["id"]: n for n in nodes}
        for n in nodes:
            if n["type"] not in LAYER_TYPES:
                raise ValueError('node "%s": unknown type %s' % (n["id"], n["type"]))
        edges = design.get("edges")
        if edges is None:  # nodes chain in list order
            edges = [{"from": a["id"], "to": b["id"]} for a, b in zip(nodes, nodes[1:])]
        preds = {n["id"]: [] for n in nodes}
        for e in edges:
            preds[e["to"]].append((int(e.get("port", 0)), e["from"]))
        self.inputs = {k: [src for _, src in sorted(v, key=lambda t: t[0])] for k, v in preds.items()}
        # Topological order (Kahn), stable in list order.
        indeg = {k: len(v) for k, v in self.inputs.items()}
        succ = {n["id"]: [] for n in nodes}
        for k, v in self.inputs.items():
            for src in v:
                succ[src].append(k)
        order, ready = [], [n["id"] for n in nodes if indeg[n["id"]] == 0]
        while ready:
            nid = ready.pop(0)
            order.append(nid)
            for t in succ[nid]:
                indeg[t] -= 1
                if indeg[t] == 0:
                    ready.append(t)
        if len(order) != len(nodes):
            raise ValueError("design graph has a cycle")
        self.order = order
        self.types = {n["id"]: n["type"] for n in nodes}
        inp = [n for n in nodes if n["type"] == "Input"][0]
        self.input_id = inp["id"]
        self.output_id = [n for n in nodes if n["type"] == "Output"][0]["id"]
        ip = inp.get("params", {})
        self.input_shape = (int(ip.get("channels", 1)), int(ip.get("height", 28)), int(ip.get("width", 28)))
        # Build modules by propagating a dummy batch through the graph.
        self.layers = nn.ModuleDict()
        vals = {}
        with torch.no_grad():
            for nid in order:
                n = byid[nid]
                params = dict(n.get("params", {}))
                if params.get("out_features") == "classes":
                    params["out_features"] = classes
                ins = [vals[s] for s in self.inputs[nid]]
                if nid == self.input_id:
                    vals[nid] = torch.zeros((2,) + self.input_shape)
                    continue
                m = make_layer(n["type"], params, [tuple(x.shape) for x in ins])
                if m is not None:
                    self.layers[self._key(nid)] = m
                    m.eval()
                vals[nid] = self._apply(nid, ins)
        self.train()

    @staticmethod
    def _key(nid):
        return nid.replace(".", "_")

    def _apply(self, nid, ins):
        t = self.types[nid]
        if t == "Output":
            return ins[0]
        if t == "Add":
            out = ins[0]
            for x in ins[1:]:
                out = out + x
            return out
        if t == "Concat":
            return torch.cat(ins, dim=1)
        return self.layers[self._key(nid)](ins[0])

    def forward(self, x):
        vals = {self.input_id: x}
        for nid in self.order:
            if nid == self.input_id:
                continue
            vals[nid] = self._apply(nid, [vals[s] for s in self.inputs[nid]])
        return vals[self.output_id]


def limit_per_class(ds, k):
    if not k:
        return ds
    counts, keep = {}, []
    for i, (_, y) in enumerate(ds.samples):
        if counts.get(y, 0) < k:
            counts[y] = counts.get(y, 0) + 1
            keep.append(i)
    return torch.utils.data.Subset(ds, keep)


def base_transforms(shape):
    c, h, w = shape
    t = [transforms.Grayscale(1)] if c == 1 else []
    return t + [transforms.Resize((h, w)), transforms.ToTensor()]


def dataset_mean_std(ds, channels, batch_size, workers):
    loader = torch.utils.data.DataLoader(ds, batch_size=256, shuffle=False, num_workers=workers)
    s = torch.zeros(channels, dtype=torch.float64)
    s2 = torch.zeros(channels, dtype=torch.float64)
    n = 0
    for x, _ in loader:
        x = x.to(torch.float64)
        s += x.sum(dim=(0, 2, 3))
        s2 += (x * x).sum(dim=(0, 2, 3))
        n += x.shape[0] * x.shape[2] * x.shape[3]
    mean = s / n
    std = (s2 / n - mean * mean).clamp(min=0).sqrt()
    std[std == 0] = 1.0
    return mean.tolist(), std.tolist()


def predecode(ds, workers):
    """The whole dataset as one tensor (the transform's output) and its labels."""
    loader = torch.utils.data.DataLoader(ds, batch_size=256, shuffle=False, num_workers=workers)
    xs, ys = [], []
    for x, y in loader:
        xs.append(x)
        ys.append(y)
    return torch.cat(xs), torch.cat(ys)


def tensor_batches(x_all, y_all, batch_size, generator):
    order = torch.randperm(x_all.shape[0], generator=generator)
    for i in range(0, len(order), batch_size):
        idx = order[i:i + batch_size]
        yield x_all.index_select(0, idx), y_all.index_select(0, idx)


def evaluate(model, loader):
    model.eval()
    correct = total = 0
    loss_sum = 0.0
    with torch.no_grad():
        for x, y in loader:
            out = model(x)
            loss_sum += F.cross_entropy(out, y, reduction="sum").item()
            correct += (out.argmax(1) == y).sum().item()
            total += y.shape[0]
    model.train()
    return loss_sum / max(total, 1), correct / max(total, 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("design")
    ap.add_argument("--data", required=True)
    ap.add_argument("--test")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--threads", type=int, default=torch.get_num_threads())
    ap.add_argument("--limit-per-class", type=int, default=0)
    ap.add_argument("--norm", choices=["dataset", "fixed"], default="dataset")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--compute-only", action="store_true",
                    help="train on the training set decoded once into memory (times the compute alone)")
    ap.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    ap.add_argument("--kernels", choices=sorted(KERNELS), default="torch",
                    help="onednn: Linear and MaxPool2d on the oneDNN kernels Strata uses")
    a = ap.parse_args()
    global kernels
    kernels = KERNELS[a.kernels]

    t_start = time.perf_counter()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    with open(a.design) as f:
        design = json.load(f)

    raw = torchvision.datasets.ImageFolder(a.data)
    classes = len(raw.classes)
    model = DesignNet(design, classes)
    shape = model.input_shape
    nparams = sum(p.numel() for p in model.parameters())

    t0 = time.perf_counter()
    if a.norm == "dataset":
        stats_ds = limit_per_class(
            torchvision.datasets.ImageFolder(a.data, transform=transforms.Compose(base_transforms(shape))),
            a.limit_per_class)
        mean, std = dataset_mean_std(stats_ds, shape[0], a.batch_size, a.threads)
    else:
        mean, std = [0.5] * shape[0], [0.5] * shape[0]
    stats_s = time.perf_counter() - t0
    tf = transforms.Compose(base_transforms(shape) + [transforms.Normalize(mean, std)])
    train_ds = limit_per_class(torchvision.datasets.ImageFolder(a.data, transform=tf), a.limit_per_class)
    loader = torch.utils.data.DataLoader(train_ds, batch_size=a.batch_size, shuffle=True,
                                         num_workers=a.threads)
    if a.compute_only:
        t0 = time.perf_counter()
        x_all, y_all = predecode(train_ds, a.threads)
        print("decoded %d images into memory in %.1f s (not timed)" % (x_all.shape[0], time.perf_counter() - t0),
              flush=True)
        generator = torch.Generator().manual_seed(a.seed)
        batches = lambda: tensor_batches(x_all, y_all, a.batch_size, generator)
    else:
        batches = lambda: loader
    bf16 = a.precision == "bf16"
    print("torch %s, torchvision %s, %d threads, %d workers, %s kernels; design %s: %d parameters; %d images, %d classes; "
          "mean %s std %s (%s, %.1f s)" % (torch.__version__, torchvision.__version__, torch.get_num_threads(),
                                           a.threads, a.kernels, design.get("name", "?"), nparams, len(train_ds), classes,
                                           ["%.4f" % m for m in mean], ["%.4f" % s for s in std], a.norm, stats_s),
          flush=True)

    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    epochs = []
    model.train()
    for epoch in range(1, a.epochs + 1):
        t0 = time.perf_counter()
        seen = correct = 0
        loss_sum = 0.0
        for x, y in batches():
            opt.zero_grad()
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                out = model(x)
            out = out.float()
            loss = F.cross_entropy(out, y)
            loss.backward()
            opt.step()
            n = y.shape[0]
            seen += n
            loss_sum += loss.item() * n
            correct += (out.argmax(1) == y).sum().item()
        secs = time.perf_counter() - t0
        e = {"epoch": epoch, "train_loss": loss_sum / seen, "train_accuracy": correct / seen,
             "seconds": secs, "images_per_second": seen / secs, "images": seen}
        epochs.append(e)
        print("epoch %d: %d images in %.2f s, %.1f images/s, loss %.4f, train accuracy %.4f"
              % (epoch, seen, secs, e["images_per_second"], e["train_loss"], e["train_accuracy"]), flush=True)

    result = {"design": design.get("name"), "parameters": nparams, "threads": a.threads,
              "compute_only": a.compute_only, "precision": a.precision, "kernels": a.kernels,
              "batch_size": a.batch_size, "norm": a.norm, "mean": mean, "std": std, "stats_seconds": stats_s,
              "epochs": epochs,
              "images_per_second": sum(e["images"] for e in epochs) / sum(e["seconds"] for e in epochs),
              "train_accuracy": epochs[-1]["train_accuracy"]}
    if a.test:
        test_ds = torchvision.datasets.ImageFolder(a.test, transform=tf)
        test_loader = torch.utils.data.DataLoader(test_ds, batch_size=256, shuffle=False, num_workers=a.threads)
        loss, acc = evaluate(model, test_loader)
        result["test"] = {"loss": loss, "accuracy": acc}
        print("test: loss %.4f, accuracy %.4f" % (loss, acc), flush=True)
    result["wall_seconds"] = time.perf_counter() - t_start
    if a.json:
        with open(a.json, "w") as f:
            json.dump(result, f, indent=1)
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    sys.exit(main())
