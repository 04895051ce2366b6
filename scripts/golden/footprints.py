#!/usr/bin/python3
"""Golden footprints from REAL PyTorch autograd: which input offsets one output position reads.

    /usr/bin/python3 scripts/golden/footprints.py [--only SUBSTRING]

For each class of test/fixtures/styles/pychoice_gridding.py that carries a
`# convlens: input=(...)` directive: build it with no arguments, set every weight to 1 and every
bias to 0 (BatchNorm: identity statistics), eval mode, float64, input of ones. Then, for 8
consecutive interior output positions along each spatial axis (the others at the centre), the
gradient of that position (summed over channels) with respect to the input, minus the gradient
of a far output position (index 2 on every axis) whose reads do not meet the first's. Weights and
inputs are positive, so no contribution cancels, and what a global pool adds is the same for both
(context, not a local read): the positions where the difference is positive are the footprint.
Each axis's footprint is the projection (the rows, or columns, that hold one), as ConvLens
defines it per axis. Output: test/golden/torch/footprints_pychoice_gridding.json with, per model
and axis, the distinct hole patterns (extent, offsets never read counted from the first read).

Where the model's output is not spatial (a classifier), the footprint is taken at the last leaf
module output that still is (what the global pool reads). The script shares nothing with the
TypeScript engine.
"""
import argparse
import ast
import datetime
import importlib.util
import json
import sys
from pathlib import Path

sys.dont_write_bytecode = True

import torch
import torch.nn as nn

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "test" / "fixtures" / "styles" / "pychoice_gridding.py"
OUT = REPO / "test" / "golden" / "torch" / "footprints_pychoice_gridding.json"
PHASES = 8


def directive_classes(path):
    """Classes with a `# convlens: input=(...)` comment right above them, and that input."""
    lines = path.read_text().splitlines()
    tree = ast.parse(path.read_text())
    out = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            above = lines[node.lineno - 2].strip() if node.lineno >= 2 else ""
            if above.startswith("# convlens: input="):
                shape = ast.literal_eval(above.split("=", 1)[1].strip())
                out.append((node.name, list(shape)))
    return out


def ones_model(model):
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
                m.weight.fill_(1.0)
                if m.bias is not None:
                    m.bias.zero_()
            elif isinstance(m, nn.BatchNorm2d):
                m.weight.fill_(1.0)
                m.bias.zero_()
                m.running_mean.zero_()
                m.running_var.fill_(1.0)
    return model.double().eval()


def spatial_output(model, x):
    """The model's output when spatial, else the last spatial leaf-module output."""
    seen = []

    def hook(_m, _i, out):
        if isinstance(out, torch.Tensor) and out.dim() >= 3 and all(s > 1 for s in out.shape[2:]):
            seen.append(out)

    handles = [m.register_forward_hook(hook) for m in model.modules() if not list(m.children())]
    try:
        y = model(x)
    finally:
        for h in handles:
            h.remove()
    if y.dim() >= 3 and all(s > 1 for s in y.shape[2:]):
        return y
    return seen[-1]


def holes_of(rows):
    lo, hi = min(rows), max(rows)
    present = set(rows)
    return {"extent": hi - lo + 1, "missing": [k - lo for k in range(lo, hi + 1) if k not in present]}


def footprints(cls, shape):
    torch.manual_seed(0)
    model = ones_model(cls())
    nd = len(shape) - 2
    result = []
    for axis in range(nd):
        patterns = []
        for k in range(PHASES):
            grads = []
            for far in (False, True):
                x = torch.ones(shape, dtype=torch.float64, requires_grad=True)
                y = spatial_output(model, x)
                index = [0, slice(None)] + ([2] * nd if far else [s // 2 for s in y.shape[2:]])
                if not far:
                    index[2 + axis] += k
                y[tuple(index)].sum().backward()
                grads.append(x.grad[0].sum(0))  # spatial map
            g, g_far = grads
            local = (g - g_far) > 1e-9 * max(1.0, g.abs().max().item())
            dims = [d for d in range(nd) if d != axis]
            proj = local.any(dim=dims[0]) if dims else local
            if len(dims) == 2:
                proj = local.any(dim=dims[1]).any(dim=dims[0])
            rows = [i for i, v in enumerate(proj.tolist()) if v]
            # interior: the footprint must stay clear of the input's borders
            assert rows and rows[0] > 0 and rows[-1] < shape[2 + axis] - 1, (cls.__name__, axis, rows)
            p = holes_of(rows)
            if p not in patterns:
                patterns.append(p)
        result.append(patterns)
    dilated = any(isinstance(m, (nn.Conv1d, nn.Conv2d)) and any(d > 1 for d in m.dilation) and any(k > 1 for k in m.kernel_size)
                  for m in model.modules())
    return {"dilated": dilated, "axes": result}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    spec = importlib.util.spec_from_file_location("pychoice_gridding", FIXTURE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    models = {}
    for name, shape in directive_classes(FIXTURE):
        if args.only and args.only not in name:
            continue
        models[name] = {"input": shape, **footprints(getattr(mod, name), shape)}
    OUT.write_text(json.dumps({
        "generator": f"scripts/golden/footprints.py with torch {torch.__version__}, python {sys.version.split()[0]}, on {datetime.date.today().isoformat()}",
        "models": models,
    }, indent=1) + "\n")
    print(f"wrote {OUT.relative_to(REPO)}: {len(models)} models")


if __name__ == "__main__":
    main()
