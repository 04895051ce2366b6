# The runtime approach ConvLens is compared with (bench/sections/startup.ts): what a user does to
# learn a model's layer shapes by running it — import PyTorch and torchvision, build ResNet-50,
# put a forward hook on every leaf module and run one 1x3x224x224 zeros tensor through it.
# The whole process's CPU time (user + sys, all threads) is measured by the caller.
import torch
from torchvision.models import resnet50

model = resnet50()
model.eval()
rows = []


def hook(module, inputs, output):
    params = sum(p.numel() for p in module.parameters(recurse=False))
    rows.append((type(module).__name__, tuple(output.shape), params))


for module in model.modules():
    if next(module.children(), None) is None:
        module.register_forward_hook(hook)

with torch.no_grad():
    out = model(torch.zeros(1, 3, 224, 224))

print(f"{len(rows)} leaf layers, output {tuple(out.shape)}, params {sum(r[2] for r in rows)}")
