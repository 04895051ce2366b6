#!/usr/bin/python3
"""Golden files from REAL PyTorch: the inputs a model file's own argument-free functions (a `test()`,
a `demo()`) call its models with.

    /usr/bin/python3 scripts/golden/caller_inputs.py

For each file below it imports the file, then calls each public function of the file whose
parameters all have defaults, in the order the file defines them, with a forward pre-hook on every
nn.Module built meanwhile: the first call of a module that is not a submodule of another records
its class and the shapes of its tensor arguments. Written to
test/golden/torch/callerinput_<file>.json. This script must not share code or assumptions with the
TypeScript engine. See scripts/golden/README.md.
"""
import contextlib
import datetime
import importlib.util
import inspect
import io
import json
import sys
from pathlib import Path

sys.dont_write_bytecode = True

import torch
from torch import nn

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / "test" / "golden" / "torch"
FILES = ["test/fixtures/styles/guess_cifar_resnet.py"]


def load(path):
    spec = importlib.util.spec_from_file_location("ci_" + path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    torch.manual_seed(0)
    stamp = (f"scripts/golden/caller_inputs.py with torch {torch.__version__}, Python {sys.version.split()[0]}, "
             f"{datetime.date.today().isoformat()}")
    for file in FILES:
        path = REPO / file
        module = load(path)
        calls = []
        for name, f in list(vars(module).items()):
            if not inspect.isfunction(f) or f.__module__ != module.__name__ or name.startswith("_"):
                continue
            if any(p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
                   for p in inspect.signature(f).parameters.values()):
                continue
            seen = []
            depth = [0]

            def pre(mod, args):
                if depth[0] == 0:
                    seen.append({"class": type(mod).__name__,
                                 "shapes": [list(a.shape) for a in args if isinstance(a, torch.Tensor)]})
                depth[0] += 1

            def post(mod, args, out):
                depth[0] -= 1

            handles = [nn.modules.module.register_module_forward_pre_hook(pre),
                       nn.modules.module.register_module_forward_hook(post)]
            try:
                with torch.no_grad(), contextlib.redirect_stdout(io.StringIO()):
                    f()
            finally:
                for h in handles:
                    h.remove()
            if seen:
                calls.append({"function": name, "line": f.__code__.co_firstlineno, **seen[0]})
        golden = {"generator": stamp, "source": file, "calls": calls}
        out = OUT_DIR / f"callerinput_{path.stem}.json"
        out.write_text(json.dumps(golden, sort_keys=True) + "\n")
        print(f"{out.name}: {calls}")


if __name__ == "__main__":
    main()
