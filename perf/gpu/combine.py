#!/usr/bin/env python3
"""Combines one run of the GPU benchmark kit (perf/gpu/run.sh) into the results JSON and Markdown tables.

    python3 perf/gpu/combine.py perf/results/<date>-<tag>-raw [--out perf/results] [--peak-gflops 67000]

Reads from the raw folder: meta.json (what ran), torch.json (torch_bench.py), cnngpu-<network>-b<batch>.json
(`cnngpu bench --json`, one per run), failures.jsonl (what run.sh could not measure), and, when present,
profile-<network>-b<batch>.json (`cnngpu bench --profile --json`) with summary-<network>.json (`cnngpu summary
--json`, for each layer's MACs). Writes, next to the raw folder (or to --out):

  <date>-<tag>.json          {"gpu", "driver", "date", "results": [{"engine", "network", "batch",
                              "imagesPerSecond", "medianMs", ...}], "failures": [...], "setup": {...}}
  <date>-<tag>.md            the table for docs/benchmarks.md
  <date>-<tag>-profile.md    per-node times of the profile run, conv layers' GFLOP/s and share of peak

engine is "cnngpu-<backend>" (the backend that ran: cnngpu-cuda on a GPU), "pytorch-fp32" or "pytorch-tf32";
each result also names its "device" (e.g. "cpu" for PyTorch on a CPU, where TF32 changes nothing).
Only the standard library: runs on any host with Python 3.
"""

import argparse
import glob
import json
import os
import re
import sys

# FP32 (non-tensor-core) peaks from NVIDIA's datasheets, GFLOP/s; the profile table's "% of peak" uses the
# first name contained in the GPU's name (--peak-gflops overrides, e.g. for a clock-limited part).
FP32_PEAK_GFLOPS = [
    ("H200 NVL", 60000.0),
    ("H200", 67000.0),
    ("H100 PCIe", 51000.0),
    ("H100 NVL", 60000.0),
    ("H100", 67000.0),
    ("A100", 19500.0),
]

ENGINE_ORDER = {"pytorch-fp32": 1, "pytorch-tf32": 2}


def load(path, default=None):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


def fmt(value):
    """A throughput or rate for a table: 3-4 significant digits, "—" when missing."""
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def pct(fraction):
    return f"{100 * fraction:.1f}%" if fraction >= 0.001 else f"{100 * fraction:.2g}%"


def collect(raw):
    meta = load(os.path.join(raw, "meta.json"), {}) or {}
    results, failures = [], []

    for path in sorted(glob.glob(os.path.join(raw, "cnngpu-*-b*.json"))):
        doc = load(path)
        if not doc or not doc.get("results"):
            continue  # run.sh listed the failure already
        for r in doc["results"]:
            results.append({
                "engine": f"cnngpu-{r['backend']}",
                "network": r["network"],
                "batch": r["batch"],
                "imagesPerSecond": r["imagesPerSecond"],
                "medianMs": r["medianMs"],
                "minMs": r.get("minMs"),
                "p90Ms": r.get("p90Ms"),
                "gflops": r.get("gflops"),
                "device": r.get("device"),
            })

    torch_doc = load(os.path.join(raw, "torch.json"), {}) or {}
    for r in torch_doc.get("results", []):
        results.append({k: r[k] for k in ("engine", "network", "batch", "imagesPerSecond", "medianMs", "minMs", "p90Ms",
                                          "forwardMedianMs", "runs", "device") if k in r})
    failures.extend(torch_doc.get("failures", []))

    try:
        with open(os.path.join(raw, "failures.jsonl"), encoding="utf-8") as f:
            failures.extend(json.loads(line) for line in f if line.strip())
    except OSError:
        pass

    order = {n: i for i, n in enumerate(meta.get("networks", []))}
    results.sort(key=lambda r: (order.get(r["network"], len(order)), r["network"], r["batch"],
                                ENGINE_ORDER.get(r["engine"], 0), r["engine"]))
    return meta, torch_doc, results, failures


def table(meta, torch_doc, results, failures):
    by = {(r["engine"], r["network"], r["batch"]): r for r in results}
    cnngpu_engines = sorted({r["engine"] for r in results if r["engine"].startswith("cnngpu-")}) or [f"cnngpu-{meta.get('backend', 'cuda')}"]
    cn = cnngpu_engines[0]
    networks = list(dict.fromkeys(meta.get("networks", []) + [r["network"] for r in results]))
    batches = sorted(set(meta.get("batches", [])) | {r["batch"] for r in results})
    torch_device = torch_doc.get("device", meta.get("torchDevice", "?"))

    lines = [
        f"### {meta.get('gpu', '?')}, driver {meta.get('driver', '?')}, {meta.get('date', '?')}",
        "",
        f"`perf/gpu/run.sh`: CnnGpu `{cn}` (bundle {str(meta.get('bundleCommit', '?'))[:12]}) against PyTorch "
        f"{torch_doc.get('torch', '?')} / torchvision {torch_doc.get('torchvision', '?')} on {torch_device}"
        + (f" (CUDA {torch_doc.get('cuda')}, cuDNN {torch_doc.get('cudnn')})" if torch_doc.get("cudnn") else "")
        + f", input {meta.get('input', 224)}×{meta.get('input', 224)}, random weights. Throughput at the median of the timed runs; "
        "one run = host batch in, logits back on the host (what `cnngpu bench` times); the last column is PyTorch's "
        "forward pass alone (input already on the device). fp32: TF32 off; tf32: TF32 on (matmul and cuDNN); "
        "`cudnn.benchmark = True`.",
        "",
        f"| network | batch | {cn} img/s | pytorch-fp32 img/s | ratio {cn} / pytorch-fp32 | pytorch-tf32 img/s | pytorch-fp32 forward-only img/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for n in networks:
        for b in batches:
            c = by.get((cn, n, b))
            f32 = by.get(("pytorch-fp32", n, b))
            t32 = by.get(("pytorch-tf32", n, b))
            if not (c or f32 or t32):
                continue
            ratio = c["imagesPerSecond"] / f32["imagesPerSecond"] if c and f32 else None
            fwd = b * 1000.0 / f32["forwardMedianMs"] if f32 and f32.get("forwardMedianMs") else None
            lines.append(f"| {n} | {b} | {fmt(c and c['imagesPerSecond'])} | {fmt(f32 and f32['imagesPerSecond'])} | "
                         f"{'—' if ratio is None else f'{ratio:.2f}' if ratio >= 0.1 else f'{ratio:.2g}'} | {fmt(t32 and t32['imagesPerSecond'])} | {fmt(fwd)} |")
    if failures:
        lines += ["", "Not measured:", ""]
        for f in failures:
            where = " ".join(str(x) for x in (f.get("engine"), f.get("network"), f"batch {f['batch']}" if f.get("batch") is not None else None) if x)
            lines.append(f"- {where}: {f.get('error', '?')}")
    return "\n".join(lines) + "\n"


def peak_for(gpu, override):
    if override:
        return override, "--peak-gflops"
    for name, peak in FP32_PEAK_GFLOPS:
        if name.lower() in (gpu or "").lower():
            return peak, f"NVIDIA datasheet FP32 peak of the {name}"
    return None, None


def profile_report(raw, meta, peak_override):
    """Markdown for each profile-<net>-b<batch>.json, or None when there is none."""
    parts = []
    for path in sorted(glob.glob(os.path.join(raw, "profile-*-b*.json"))):
        doc = load(path)
        if not doc or not doc.get("results"):
            continue
        r = doc["results"][0]
        net, batch, nodes = r["network"], r["batch"], r.get("profile", [])
        summary = load(os.path.join(raw, f"summary-{net}.json"), {}) or {}
        macs = {layer["name"]: layer.get("macs", 0) for layer in summary.get("layers", [])}
        peak, peak_source = peak_for(meta.get("gpu"), peak_override)
        total = sum(p["meanMs"] for p in nodes) or float("nan")

        def gflops(p):
            m = macs.get(p["name"])
            return 2.0 * m * batch / (p["meanMs"] * 1e6) if m and p["meanMs"] > 0 else None

        conv = [p for p in nodes if p["op"] == "conv"]
        conv_ms = sum(p["meanMs"] for p in conv)
        conv_macs = sum(macs.get(p["name"], 0) for p in conv)
        conv_gflops = 2.0 * conv_macs * batch / (conv_ms * 1e6) if conv_ms > 0 and conv_macs else None
        lines = [
            f"### `cnngpu bench {net} --backend {r['backend']} --batch {batch} --profile` — {meta.get('gpu', '?')}, {meta.get('date', '?')}",
            "",
            f"Device {r.get('device')}. Median of the profiled runs {r['medianMs']} ms ({fmt(r['imagesPerSecond'])} img/s); "
            f"sum of the node means {total:.3f} ms. The profiler waits for the device after every kernel, so runs "
            "without it (the results table) are faster.",
            "",
            f"Convolutions: {len(conv)} nodes, {conv_ms:.3f} ms = {100 * conv_ms / total:.1f}% of the node time"
            + (f", {fmt(conv_gflops)} GFLOP/s over them" if conv_gflops else "")
            + (f" = **{pct(conv_gflops / peak)} of {peak:,.0f} GFLOP/s** ({peak_source})" if conv_gflops and peak else "")
            + ".",
            "",
            "| op | nodes | ms | % |",
            "|---|---:|---:|---:|",
        ]
        ops = {}
        for p in nodes:
            ops.setdefault(p["op"], []).append(p["meanMs"])
        for op, ms in sorted(ops.items(), key=lambda kv: -sum(kv[1])):
            lines.append(f"| {op} | {len(ms)} | {sum(ms):.3f} | {100 * sum(ms) / total:.1f} |")
        lines += ["", "| node | op | algorithm | ms | % | GFLOP/s |" + (" % of peak |" if peak else ""),
                  "|---|---|---|---:|---:|---:|" + ("---:|" if peak else "")]
        for p in nodes:
            g = gflops(p)
            row = f"| {p['name']} | {p['op']} | {p['algorithm']} | {p['meanMs']:.3f} | {100 * p['meanMs'] / total:.1f} | {fmt(g) if g else '—'} |"
            if peak:
                row += f" {pct(g / peak)} |" if g else " — |"
            lines.append(row)
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts) if parts else None


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("raw", help="the raw folder run.sh wrote (<out>/<date>-<tag>-raw)")
    p.add_argument("--out", help="where the JSON and Markdown go (default: the raw folder's parent)")
    p.add_argument("--peak-gflops", type=float, help="the device's FP32 peak for the profile's %% of peak")
    args = p.parse_args()

    raw = os.path.abspath(args.raw)
    out = os.path.abspath(args.out) if args.out else os.path.dirname(raw)
    meta, torch_doc, results, failures = collect(raw)
    stem = re.sub(r"-raw$", "", os.path.basename(raw))
    doc = {
        "gpu": meta.get("gpu", "none"),
        "driver": meta.get("driver", "none"),
        "date": meta.get("date"),
        "results": results,
        "failures": failures,
        "setup": {
            **{k: meta.get(k) for k in ("backend", "torchDevice", "input", "networks", "batches", "bundleCommit", "cnngpu", "torch")},
            "pytorch": {k: torch_doc.get(k) for k in ("torch", "torchvision", "cuda", "cudnn", "device")},
            "engines": "cnngpu-<backend> (the backend that ran), pytorch-fp32 (TF32 off), pytorch-tf32 (TF32 on); "
                       "medianMs: one run = host batch in, logits on the host; PyTorch's forwardMedianMs: the forward pass alone",
        },
    }
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, stem + ".json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(doc, indent=2) + "\n")
    md = table(meta, torch_doc, results, failures)
    with open(os.path.join(out, stem + ".md"), "w", encoding="utf-8") as f:
        f.write(md)
    profile = profile_report(raw, meta, args.peak_gflops)
    if profile:
        with open(os.path.join(out, stem + "-profile.md"), "w", encoding="utf-8") as f:
            f.write(profile)
    print(md)
    print(f"wrote {os.path.join(out, stem)}.json, .md" + (", -profile.md" if profile else ""), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
