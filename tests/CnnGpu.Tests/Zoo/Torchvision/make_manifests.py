"""Writes each torchvision model's parameter manifest: one 'name<TAB>d0xd1x...' line per state_dict
entry (num_batches_tracked left out), then '# parameters<TAB>N' (sum of numel over parameters()).

Run with Debian's python3-torchvision (0.14.1, torch 1.13.1), random init, fixed seed:
    /usr/bin/python3 make_manifests.py
"""
import torch
import torchvision

torch.manual_seed(0)
for name in ["resnext50_32x4d", "mobilenet_v2", "shufflenet_v2_x1_0"]:
    model = getattr(torchvision.models, name)(pretrained=False)
    with open(f"{name}.tsv", "w", encoding="utf-8", newline="\n") as f:
        for key, value in model.state_dict().items():
            if not key.endswith("num_batches_tracked"):
                f.write(f"{key}\t{'x'.join(str(d) for d in value.shape)}\n")
        f.write(f"# parameters\t{sum(p.numel() for p in model.parameters())}\n")
