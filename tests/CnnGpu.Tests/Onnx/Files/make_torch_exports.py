#!/usr/bin/python3
"""Write the small real torch.onnx exports the importer tests read (run from the repository root):

    /usr/bin/python3 tests/CnnGpu.Tests/Onnx/Files/make_torch_exports.py

Debian's python3-torch / python3-torchvision (torch 1.13) write each model with random weights (fixed
seed, no download) at opset 13 with a dynamic batch axis, plus torch's own outputs for a fixed input at
batch 1 and 3 as .npy (<name>.input-b1.npy, <name>.torch-b1.npy, ...). The models are torchvision's
own classes, shrunk so every file stays well under 2 MB, but exported as they are, with what a real
export contains:

- vgg-tiny: torchvision's VGG class with make_layers and init_weights (zero conv biases, so torch.onnx
  shares one initializer behind Identity nodes, as in its VGG-16/19 exports), a small classifier;
- mobilenet_v2-0.25: torchvision mobilenet_v2(width_mult=0.25, num_classes=10) (Clip with Constant bounds);
- shufflenet_v2-0.5: torchvision shufflenet_v2_x0_5(num_classes=10) (Shape/Gather/Div/Unsqueeze/Concat
  feeding Reshape/Transpose for the channel shuffle, Split/Slice for the channel split, ReduceMean);
- resnext-tiny: torchvision's ResNet class with Bottleneck blocks, groups 8, width 4 per group, layers
  [1, 1, 1, 1], at reduced widths (grouped 3x3 convolutions as in ResNeXt-50 32x4d).

perf/export_torchvision.py writes the full-size networks into perf/models for the skip-when-absent checks.
"""

import os
import sys

import numpy as np
import torch
import torchvision
from torchvision.models.resnet import Bottleneck, ResNet
from torchvision.models.vgg import VGG, make_layers

HERE = os.path.dirname(os.path.abspath(__file__))


class TinyResNeXt(ResNet):
    """torchvision's ResNet (Bottleneck, groups=8, width_per_group=4, [1,1,1,1]) with every stage narrowed."""

    def __init__(self):
        super().__init__(Bottleneck, [1, 1, 1, 1], num_classes=10, groups=8, width_per_group=4)
        # Rebuild the stages at a quarter of the planes so the file stays small; same block type and grouping.
        self.inplanes = 64
        self.layer1 = self._make_layer(Bottleneck, 16, 1)
        self.layer2 = self._make_layer(Bottleneck, 32, 1, stride=2)
        self.layer3 = self._make_layer(Bottleneck, 64, 1, stride=2)
        self.layer4 = self._make_layer(Bottleneck, 128, 1, stride=2)
        self.fc = torch.nn.Linear(128 * Bottleneck.expansion, 10)


def vgg_tiny():
    features = make_layers([8, "M", 16, "M", 32, 32, "M", 32, 32, "M"], batch_norm=False)
    model = VGG(features, num_classes=10, init_weights=True)
    # VGG's classifier reads 512·7·7 features; this one reads the 32·7·7 of the narrowed features.
    model.classifier = torch.nn.Sequential(
        torch.nn.Linear(32 * 7 * 7, 64), torch.nn.ReLU(True), torch.nn.Dropout(),
        torch.nn.Linear(64, 64), torch.nn.ReLU(True), torch.nn.Dropout(),
        torch.nn.Linear(64, 10))
    for m in model.classifier:
        if isinstance(m, torch.nn.Linear):
            torch.nn.init.normal_(m.weight, 0, 0.01)
            torch.nn.init.constant_(m.bias, 0)
    return model


def randomise_batch_norms(model):
    """Trained-like running statistics (torchvision's init leaves mean 0, var 1, which would hide mistakes)."""
    g = torch.Generator().manual_seed(7)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.copy_(torch.empty_like(m.weight).uniform_(0.5, 1.5, generator=g))
                m.bias.copy_(torch.empty_like(m.bias).uniform_(-0.2, 0.2, generator=g))
                m.running_mean.copy_(torch.empty_like(m.running_mean).uniform_(-0.2, 0.2, generator=g))
                m.running_var.copy_(torch.empty_like(m.running_var).uniform_(0.5, 2.0, generator=g))


MODELS = {
    # name: (constructor, input size)
    "vgg-tiny": (vgg_tiny, 112),
    "mobilenet_v2-0.25": (lambda: torchvision.models.mobilenet_v2(weights=None, width_mult=0.25, num_classes=10), 64),
    "shufflenet_v2-0.5": (lambda: torchvision.models.shufflenet_v2_x0_5(weights=None, num_classes=10), 64),
    "resnext-tiny": (TinyResNeXt, 64),
}


def export(name, make, size):
    torch.manual_seed(2012)
    model = make().eval()
    randomise_batch_norms(model)
    path = os.path.join(HERE, name + ".onnx")
    with torch.no_grad():
        torch.onnx.export(model, torch.randn(1, 3, size, size), path, opset_version=13,
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, do_constant_folding=True)
        for batch in (1, 3):
            x = torch.randn(batch, 3, size, size, generator=torch.Generator().manual_seed(100 + batch))
            np.save(os.path.join(HERE, f"{name}.input-b{batch}.npy"), x.numpy())
            np.save(os.path.join(HERE, f"{name}.torch-b{batch}.npy"), model(x).numpy())
    print(f"wrote {path} ({os.path.getsize(path) / 1024:.0f} KiB)")


def main():
    torch.set_num_threads(2)
    for name in sys.argv[1:] or MODELS:
        make, size = MODELS[name]
        export(name, make, size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
