#!/usr/bin/python3
"""Export torchvision classifiers with random weights to ONNX (opset 13, dynamic batch) for the side-by-side runner.

Run with Debian's interpreter, which has python3-torch and python3-torchvision:

    /usr/bin/python3 perf/export_torchvision.py perf/models              # all networks
    /usr/bin/python3 perf/export_torchvision.py perf/models resnet50     # some

Weights are random (weights=None: no download, no network access). Latency does not depend on the
weight values, and the output check compares two engines on the same file, so trained weights add
nothing here. A fixed seed makes the files reproducible. Existing files are skipped (--force rewrites).

torchvision's own initialisation leaves many constants identical (batch-norm running statistics 0/1,
weight 1, bias 0, hence equal folded conv biases; VGG's zero conv biases). torch.onnx then stores each
duplicate once and feeds the other convolutions through Identity nodes, which CnnGpu's importer folds to
the shared initializer. The same initialisation leaves some networks' logits tiny (MobileNet-v2: about
1e-9), which makes output comparisons weak: --distinct-constants randomises batch-norm statistics and
biases (the ranges CnnGpu's zoo uses) and writes <name>-distinct.onnx beside the plain file.
"""

import argparse
import os
import sys
import time

import torch
import torchvision

# name -> constructor. googlenet: no auxiliary classifiers (inference graph), init_weights=True
# because with weights=None torchvision would otherwise warn and change its default in future.
NETWORKS = {
    "alexnet": lambda: torchvision.models.alexnet(weights=None),
    "vgg16": lambda: torchvision.models.vgg16(weights=None),
    "vgg19": lambda: torchvision.models.vgg19(weights=None),
    "googlenet": lambda: torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=True),
    "resnet18": lambda: torchvision.models.resnet18(weights=None),
    "resnet34": lambda: torchvision.models.resnet34(weights=None),
    "resnet50": lambda: torchvision.models.resnet50(weights=None),
    "resnet101": lambda: torchvision.models.resnet101(weights=None),
    "resnet152": lambda: torchvision.models.resnet152(weights=None),
    "resnext50_32x4d": lambda: torchvision.models.resnext50_32x4d(weights=None),
    "mobilenet_v2": lambda: torchvision.models.mobilenet_v2(weights=None),
    "shufflenet_v2_x1_0": lambda: torchvision.models.shufflenet_v2_x1_0(weights=None),
}


def make_constants_distinct(model: torch.nn.Module) -> None:
    """Give batch norms non-trivial statistics and every bias random values, as trained weights would have."""
    generator = torch.Generator().manual_seed(7)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.weight.copy_(torch.empty_like(module.weight).uniform_(0.5, 1.5, generator=generator))
                module.bias.copy_(torch.empty_like(module.bias).uniform_(-0.2, 0.2, generator=generator))
                module.running_mean.copy_(torch.empty_like(module.running_mean).uniform_(-0.2, 0.2, generator=generator))
                module.running_var.copy_(torch.empty_like(module.running_var).uniform_(0.5, 2.0, generator=generator))
            elif isinstance(module, (torch.nn.Conv2d, torch.nn.Linear)) and module.bias is not None:
                module.bias.copy_(torch.empty_like(module.bias).uniform_(-0.1, 0.1, generator=generator))


def export(name: str, folder: str, force: bool, distinct: bool) -> str:
    path = os.path.join(folder, f"{name}{'-distinct' if distinct else ''}.onnx")
    if os.path.exists(path) and not force:
        print(f"skip {path} (exists)")
        return path

    torch.manual_seed(2012)
    model = NETWORKS[name]().eval()
    if distinct:
        make_constants_distinct(model)
    example = torch.randn(1, 3, 224, 224)
    start = time.time()
    # Write to a temporary name and rename, so an interrupted export never leaves a file that "exists".
    partial = path + ".partial"
    with torch.no_grad():
        torch.onnx.export(
            model,
            example,
            partial,
            opset_version=13,
            input_names=["input"],
            output_names=["logits"],
            dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
            do_constant_folding=True,
        )
    os.replace(partial, path)
    size = os.path.getsize(path) / (1024 * 1024)
    print(f"wrote {path}: torchvision {name}{' (distinct constants)' if distinct else ''}, {size:.1f} MiB, {time.time() - start:.1f} s")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", help="output folder (created if missing)")
    parser.add_argument("networks", nargs="*", help=f"subset of: {', '.join(NETWORKS)} (default: all)")
    parser.add_argument("--force", action="store_true", help="rewrite files that exist")
    parser.add_argument("--distinct-constants", action="store_true",
                        help="randomise batch-norm statistics and biases; writes <name>-distinct.onnx")
    args = parser.parse_args()

    unknown = [n for n in args.networks if n not in NETWORKS]
    if unknown:
        print(f"error: unknown network(s) {', '.join(unknown)}; choose from {', '.join(NETWORKS)}", file=sys.stderr)
        return 2

    os.makedirs(args.folder, exist_ok=True)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    failed = []
    for name in args.networks or NETWORKS:
        try:
            export(name, args.folder, args.force, args.distinct_constants)
        except Exception as e:  # noqa: BLE001 - report every network that fails, then exit non-zero
            print(f"error: exporting {name} failed: {type(e).__name__}: {e}", file=sys.stderr)
            failed.append(name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
