#!/usr/bin/env python3
"""PyTorch/torchvision side of the GPU benchmark kit (perf/gpu/run.sh): the same networks and batches as
`cnngpu bench`, timed the same way, one JSON document on stdout (or --out).

    python3 perf/gpu/torch_bench.py --device cuda --networks resnet50,vgg16 --batches 1,32,256
    /usr/bin/python3 perf/gpu/torch_bench.py --device cpu --input 32 --batches 1,2 --iterations 3

Networks are built with random weights (weights=None, or pretrained=False before torchvision 0.13): nothing
is downloaded, and latency does not depend on the weight values. SE-ResNet-50 is not in torchvision: it is
built here from torchvision's ResNet and Bottleneck with a squeeze-excitation gate (Hu et al., reduction 16)
on each residual branch after its last batch norm, before the addition -- the block of SENet's Fig. 3 with
torchvision's stride placement (on the 3x3, as CnnGpu's zoo does by default).

Modes: fp32 = `torch.backends.cuda.matmul.allow_tf32 = False; torch.backends.cudnn.allow_tf32 = False`;
tf32 = both True. `torch.backends.cudnn.benchmark = True` throughout (the first warm-up run of each new shape
and mode autotunes). On a CPU the TF32 flags change nothing: the two modes measure the same thing there.

What one timed run is: what `cnngpu bench` times with `session.Run(tensor)`: a pageable host batch copied to
the device, the forward pass, the logits copied back to the host. medianMs/imagesPerSecond are that;
forwardMedianMs is the forward pass alone (input already on the device) from the same runs, for the usual
PyTorch figure. On CUDA each part is timed with CUDA events; on a CPU with time.perf_counter.

Time bounds: each (network, batch, mode) runs --warmup untimed runs, then timed runs until --iterations or,
after at least --min-runs, --min-seconds of timed runs; --deadline (seconds from start) skips what is left
(listed under "failures"). A network or batch that fails (out of memory, ...) is listed there and the rest
run on. Works on torch 1.13 and 2.x.
"""

import argparse
import json
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torchvision
from torchvision.models.resnet import Bottleneck, ResNet

NETWORKS = ("resnet50", "resnet18", "vgg16", "googlenet", "se-resnet50")


def _tv(constructor, **kwargs):
    """A torchvision model with random weights on old and new torchvision (weights= from 0.13 on)."""
    try:
        return constructor(weights=None, **kwargs)
    except TypeError:
        return constructor(pretrained=False, **kwargs)


class SqueezeExcitation(nn.Module):
    """Hu et al.'s SE gate: global average pool, FC to C/r, ReLU, FC to C, sigmoid, channel-wise scale."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Linear(channels, max(1, channels // reduction))
        self.relu = nn.ReLU(inplace=True)
        self.fc2 = nn.Linear(max(1, channels // reduction), channels)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x):
        s = torch.flatten(self.pool(x), 1)
        s = self.sigmoid(self.fc2(self.relu(self.fc1(s))))
        return x * s[:, :, None, None]


class SEBottleneck(Bottleneck):
    """torchvision's Bottleneck with the SE gate on the residual branch before the addition."""

    def __init__(self, inplanes, planes, *args, **kwargs):
        super().__init__(inplanes, planes, *args, **kwargs)
        self.se = SqueezeExcitation(planes * self.expansion, 16)

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.se(self.bn3(self.conv3(out)))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


def se_resnet50():
    """SE-ResNet-50: ResNet-50's [3, 4, 6, 3] stages of SE bottlenecks (28.1M parameters, as in SENet's Table 2)."""
    return ResNet(SEBottleneck, [3, 4, 6, 3])


def build(name):
    m = torchvision.models
    if name == "resnet50":
        return _tv(m.resnet50)
    if name == "resnet18":
        return _tv(m.resnet18)
    if name == "vgg16":
        return _tv(m.vgg16)
    if name == "googlenet":
        # The inference graph: no auxiliary classifiers; init_weights=False skips torchvision's slow
        # truncated-normal initialisation (random weights either way).
        return _tv(m.googlenet, aux_logits=False, init_weights=False)
    if name == "se-resnet50":
        return se_resnet50()
    raise ValueError(f"unknown network '{name}' (known: {', '.join(NETWORKS)})")


def set_mode(mode):
    tf32 = mode == "tf32"
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32
    torch.backends.cudnn.benchmark = True


def percentile90(values):
    ordered = sorted(values)
    rank = (9 * len(ordered) + 9) // 10  # nearest rank, as cnngpu bench
    return ordered[rank - 1]


def time_one(model, x_host, device, args, deadline):
    """(host-to-host times, forward-only times) in ms over warm-up then timed runs."""
    cuda = device.type == "cuda"

    def run_once():
        if cuda:
            e0, e1, e2, e3 = (torch.cuda.Event(enable_timing=True) for _ in range(4))
            e0.record()
            x = x_host.to(device)
            e1.record()
            y = model(x)
            e2.record()
            y.cpu()
            e3.record()
            e3.synchronize()
            return e0.elapsed_time(e3), e1.elapsed_time(e2)
        t0 = time.perf_counter()
        x = x_host.to(device)
        t1 = time.perf_counter()
        y = model(x)
        t2 = time.perf_counter()
        y.cpu()
        t3 = time.perf_counter()
        return (t3 - t0) * 1e3, (t2 - t1) * 1e3

    for _ in range(args.warmup):
        run_once()
    totals, forwards = [], []
    start = time.perf_counter()
    while len(totals) < args.iterations:
        if len(totals) >= args.min_runs and (time.perf_counter() - start >= args.min_seconds or time.monotonic() >= deadline):
            break
        total, forward = run_once()
        totals.append(total)
        forwards.append(forward)
    return totals, forwards


def device_name(device):
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return "cpu"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--device", default="cuda", help="cuda, cuda:N or cpu (default cuda)")
    p.add_argument("--networks", default=",".join(NETWORKS), help="comma-separated (default: %(default)s)")
    p.add_argument("--batches", default="1,32,256", help="comma-separated batch sizes (default: %(default)s)")
    p.add_argument("--input", type=int, default=224, help="square input side (default 224)")
    p.add_argument("--modes", default="fp32,tf32", help="fp32, tf32 or both, in that order (default: %(default)s)")
    p.add_argument("--warmup", type=int, default=3, help="untimed runs per (network, batch, mode); the first autotunes")
    p.add_argument("--iterations", type=int, default=30, help="most timed runs per (network, batch, mode)")
    p.add_argument("--min-runs", type=int, default=5, help="fewest timed runs before --min-seconds may stop them")
    p.add_argument("--min-seconds", type=float, default=1.0, help="time budget of the timed runs of one (network, batch, mode)")
    p.add_argument("--deadline", type=float, default=0, help="seconds from start after which the rest is skipped (0: none)")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    p.add_argument("--out", help="write the JSON here instead of stdout")
    args = p.parse_args()

    networks = [n for n in args.networks.split(",") if n]
    batches = [int(b) for b in args.batches.split(",") if b]
    modes = [m for m in args.modes.split(",") if m]
    for m in modes:
        if m not in ("fp32", "tf32"):
            p.error(f"unknown mode '{m}'")
    if args.threads:
        torch.set_num_threads(args.threads)
    deadline = time.monotonic() + args.deadline if args.deadline > 0 else float("inf")
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        doc = {"torch": torch.__version__, "torchvision": torchvision.__version__, "device": args.device, "results": [],
               "failures": [{"engine": "pytorch", "network": "all", "error": f"torch {torch.__version__}: CUDA is not available"}]}
        print(f"torch_bench.py: torch {torch.__version__} sees no CUDA device", file=sys.stderr)
        if args.out:
            save(doc, args.out)
        return 1
    doc = {
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "cuda": torch.version.cuda,
        "cudnn": torch.backends.cudnn.version() if device.type == "cuda" else None,
        "device": device_name(device),
        "input": args.input,
        "results": [],
        "failures": [],
    }
    torch.manual_seed(1)
    with torch.inference_mode():
        for name in networks:
            if time.monotonic() >= deadline:
                doc["failures"].append({"engine": "pytorch", "network": name, "error": "skipped: deadline"})
                continue
            try:
                model = build(name).eval().to(device)
            except Exception as e:  # noqa: BLE001 - report and go on with the next network
                doc["failures"].append({"engine": "pytorch", "network": name, "error": f"build: {e}"})
                continue
            for batch in batches:
                x_host = torch.rand(batch, 3, args.input, args.input)
                for mode in modes:
                    engine = f"pytorch-{mode}"
                    where = {"engine": engine, "network": name, "batch": batch}
                    if time.monotonic() >= deadline:
                        doc["failures"].append({**where, "error": "skipped: deadline"})
                        continue
                    set_mode(mode)
                    try:
                        totals, forwards = time_one(model, x_host, device, args, deadline)
                    except Exception as e:  # noqa: BLE001 - out of memory and the like: record, free, go on
                        doc["failures"].append({**where, "error": str(e).splitlines()[0] if str(e) else type(e).__name__})
                        if device.type == "cuda":
                            torch.cuda.empty_cache()
                        continue
                    median = statistics.median(totals)
                    result = {
                        **where,
                        "device": doc["device"],
                        "imagesPerSecond": round(batch * 1000.0 / median, 3),
                        "medianMs": round(median, 4),
                        "minMs": round(min(totals), 4),
                        "p90Ms": round(percentile90(totals), 4),
                        "forwardMedianMs": round(statistics.median(forwards), 4),
                        "runs": len(totals),
                    }
                    doc["results"].append(result)
                    if args.out:
                        save(doc, args.out)
                    print(f"{engine} {name} batch {batch}: {median:.3f} ms ({result['imagesPerSecond']:.1f} img/s), "
                          f"forward {result['forwardMedianMs']:.3f} ms, {len(totals)} runs", file=sys.stderr, flush=True)
            del model
            if device.type == "cuda":
                torch.cuda.empty_cache()

    if args.out:
        save(doc, args.out)
    else:
        print(json.dumps(doc, indent=2))
    return 0


def save(doc, path):
    """Writes the document so far (after every result: a run killed by a time-out keeps what it measured)."""
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(json.dumps(doc, indent=2) + "\n")
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    sys.exit(main())
