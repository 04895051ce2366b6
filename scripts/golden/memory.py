#!/usr/bin/python3
"""Trainable parameters and memory of every traced leaf-module call, from REAL PyTorch tensors.

Run with Debian's interpreter (python3-torch 1.13):

    /usr/bin/python3 scripts/golden/memory.py [--only SUBSTRING]    # default: every style_ model

Models are built exactly as scripts/golden/trace_models.py builds them (that module is imported and
its run_examples reused, with its `trace` replaced by `record` below and its writer pointed at
test/golden/torch/memory/), so the trace goldens stay byte-identical.

Recorded, read off the real model after it was built and run once (eval mode, zeros input):

* per leaf-module call, in execution order: `name`, `params` (the module's own parameters,
  `numel()` summed), `trainable` (those with `requires_grad`), `param_bytes`
  (`numel() * element_size()`), `out_bytes` (`numel() * element_size()` summed over every tensor
  the call returned) and `first_out_bytes` (the first tensor only, as torchinfo's hook measures);
* per model: `params`, `trainable`, `param_bytes` over `model.parameters()` (each parameter once),
  `buffer_bytes` over `model.buffers()`, `input_bytes`, and `module_out_bytes`: the sum of
  `out_bytes` over every leaf-module call. `torchinfo_forward_backward_bytes` applies torchinfo's
  rule for its "Forward/backward pass size" to the same calls: twice `first_out_bytes` of every
  call of a leaf module that has parameters;
* `containers`: every module with children but the root (`named_modules()` order), with all the
  parameters under it and those with `requires_grad` (torchinfo's numbers for a row folded at
  its `depth`).

Nothing is taken from the TypeScript engine.
"""
import argparse
import sys
import warnings
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch

import trace_models as tm

MEMORY_DIR = tm.OUT_DIR / "memory"
SCRIPT = "scripts/golden/memory.py"
WRITE_JSON = tm.write_golden


def tensors_in(value):
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in tensors_in(v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in tensors_in(v)]
    return []


def nbytes(t):
    return t.numel() * t.element_size()


def record(model, input_shapes, source_roots):
    model.eval()
    calls = []
    handles = []
    for name, module in model.named_modules():
        if next(module.children(), None) is not None:
            continue

        def hook(module, inputs, output, name=name):
            own = list(module.parameters())
            outs = tensors_in(output)
            calls.append({
                "name": name,
                "type": type(module).__name__,
                "params": sum(p.numel() for p in own),
                "trainable": sum(p.numel() for p in own if p.requires_grad),
                "param_bytes": sum(nbytes(p) for p in own),
                "out_bytes": sum(nbytes(t) for t in outs),
                "first_out_bytes": nbytes(outs[0]) if outs else 0,
            })
        handles.append(module.register_forward_hook(hook))
    inputs = [torch.zeros(*shape) for shape in input_shapes]
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model(*inputs)
    finally:
        for h in handles:
            h.remove()
    params = list(model.parameters())
    containers = [{"name": name, "type": type(module).__name__,
                   "params": sum(p.numel() for p in module.parameters()),
                   "trainable": sum(p.numel() for p in module.parameters() if p.requires_grad)}
                  for name, module in model.named_modules() if name and next(module.children(), None) is not None]
    return {
        "containers": containers,
        "input": [list(s) for s in input_shapes],
        "layers": calls,
        "params": sum(p.numel() for p in params),
        "trainable": sum(p.numel() for p in params if p.requires_grad),
        "param_bytes": sum(nbytes(p) for p in params),
        "buffer_bytes": sum(nbytes(b) for b in model.buffers()),
        "input_bytes": sum(nbytes(t) for t in inputs),
        "module_out_bytes": sum(c["out_bytes"] for c in calls),
        "torchinfo_forward_backward_bytes": sum(2 * c["first_out_bytes"] for c in calls if c["params"] > 0),
        # what trace_models' run_* functions print
        "macs": 0, "outputs": [],
    }


def write_memory(path, obj):
    obj = {k: v for k, v in obj.items() if k not in ("macs", "outputs", "published", "published_gflops_upstream")}
    obj["generator"] = obj["generator"].replace(tm.SCRIPT, SCRIPT)
    WRITE_JSON(MEMORY_DIR / path.name, obj)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="style_")
    parser.add_argument("--torchvision", default="resnet18,mobilenet_v3_small,densenet121",
                        help="comma list of torchvision builders to record too (empty: none)")
    args = parser.parse_args()
    torch.manual_seed(0)
    MEMORY_DIR.mkdir(parents=True, exist_ok=True)
    original_write = tm.write_golden
    tm.trace = record
    tm.write_golden = write_memory
    try:
        tm.run_examples(args.only, "test/fixtures/styles", "style")
        wanted = set(filter(None, args.torchvision.split(",")))
        tm.TORCHVISION_MODELS = [m for m in tm.TORCHVISION_MODELS if m[0] in wanted and not m[2]]
        tm.published_meta = lambda builder: {}
        tm.run_torchvision("")
    finally:
        tm.write_golden = original_write


if __name__ == "__main__":
    main()
