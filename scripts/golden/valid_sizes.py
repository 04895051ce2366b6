#!/usr/bin/python3
"""Golden files from REAL PyTorch: the input sizes for which a model runs without an error.

    /usr/bin/python3 scripts/golden/valid_sizes.py [--fixtures ../shared/fixtures] [--only SUBSTRING]

For each model below and each size n in 1..512 it runs forward in eval mode under torch.no_grad on
an input whose spatial axes are all n (`square`), then on inputs where one spatial axis is n and
the others keep the reference input's size (`axes`), and records the sizes that ran. Every input
of a multi-input model gets the same spatial size.

Running a U-Net 512 times at up to 512x512 on the CPU takes hours, so most sizes run on the
`meta` device (shapes only, PyTorch's own shape functions and checks). Meta kernels skip one check
the CPU kernels make: a convolution whose kernel is larger than its padded input returns an empty
tensor instead of raising. So a meta run that produces any tensor with a zero-sized dimension is
re-run on the CPU, as is every size up to REAL_UP_TO and the sizes in REAL_ALSO; where both ran
they must agree (the script stops otherwise). This script must not share code or assumptions with
the TypeScript engine. See scripts/golden/README.md.
"""
import argparse
import copy
import datetime
import importlib.util
import json
import sys
import time
import warnings
from pathlib import Path

sys.dont_write_bytecode = True

import torch
from torch.overrides import TorchFunctionMode

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / "test" / "golden" / "torch"
MAX_SIZE = 512
REAL_UP_TO = 40
REAL_ALSO = (64, 96, 160)

# (golden name, file, expression, reference input shapes): files under the fixtures folder are
# named "shared:<file>", the rest are relative to the repository.
MODELS = [
    ("validsizes_unet_UNet", "shared:unet.py", "UNet()", [[1, 3, 256, 256]]),
    ("validsizes_fcn_FCN8s", "shared:fcn.py", "FCN8s()", [[1, 3, 224, 224]]),
    ("validsizes_fcn_FCN32s", "shared:fcn.py", "FCN32s()", [[1, 3, 224, 224]]),
    ("validsizes_resnet_resnet18", "shared:resnet.py", "resnet18()", [[1, 3, 224, 224]]),
    ("validsizes_pyinput_MnistNet", "test/fixtures/styles/pyinput_classifiers.py", "MnistNet()", [[1, 1, 28, 28]]),
    ("validsizes_pyinput_CifarResNet", "test/fixtures/styles/pyinput_classifiers.py", "CifarResNet()", [[1, 3, 32, 32]]),
    ("validsizes_pyinput_EightLevelNet", "test/fixtures/styles/pyinput_classifiers.py", "EightLevelNet()", [[1, 2, 256, 256]]),
    ("validsizes_guess_cifar_resnet_ResNet18", "test/fixtures/styles/guess_cifar_resnet.py", "ResNet18()", [[1, 3, 32, 32]]),
    ("validsizes_pyinput_RgbDepthFusion", "test/fixtures/styles/pyinput_classifiers.py", "RgbDepthFusion()", [[1, 3, 64, 64], [1, 1, 64, 64]]),
]


class EmptyTensorMade(Exception):
    pass


class NoEmptyTensors(TorchFunctionMode):
    """Raises as soon as a torch function returns a tensor with a zero-sized dimension."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        for t in out if isinstance(out, (tuple, list)) else (out,):
            if isinstance(t, torch.Tensor) and t.dim() > 0 and 0 in t.shape:
                raise EmptyTensorMade(str(func))
        return out


def runs(model, shapes, device):
    inputs = [torch.zeros(s, device=device) for s in shapes]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if device == "meta":
                with NoEmptyTensors():
                    model(*inputs)
            else:
                model(*inputs)
        return True
    except EmptyTensorMade:
        raise
    except Exception:  # every error torch raises for a shape: RuntimeError, ValueError, IndexError...
        return False


def scan(real, meta, reference, set_size, stats):
    valid = []
    for n in range(1, MAX_SIZE + 1):
        shapes = [set_size(s, n) for s in reference]
        ok_meta = None
        try:
            ok_meta = runs(meta, shapes, "meta")
            stats["meta"] += 1
        except EmptyTensorMade:
            pass
        ok = ok_meta
        if ok_meta is None or n <= REAL_UP_TO or n in REAL_ALSO:
            ok = runs(real, shapes, "cpu")
            stats["real"] += 1
            if ok_meta is not None and ok_meta != ok:
                sys.exit(f"meta and CPU disagree at {shapes}: meta {ok_meta}, CPU {ok}")
        if ok:
            valid.append(n)
    return valid


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fixtures", type=Path, default=REPO.parent / "shared" / "fixtures")
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    torch.manual_seed(0)
    stamp = (f"scripts/golden/valid_sizes.py with torch {torch.__version__}, Python {sys.version.split()[0]}, "
             f"{datetime.date.today().isoformat()}")
    for name, file, expr, reference in MODELS:
        if args.only and args.only not in name:
            continue
        started = time.time()
        path = args.fixtures.resolve() / "models" / file[len("shared:"):] if file.startswith("shared:") else REPO / file
        module = load(path, "vs_" + path.stem)
        real = eval(expr, vars(module)).eval()
        meta = copy.deepcopy(real).to("meta").eval()
        stats = {"meta": 0, "real": 0}
        spatial = len(reference[0]) - 2
        with torch.no_grad():
            square = scan(real, meta, reference, lambda s, n: s[:2] + [n] * spatial, stats)
            axes = []
            for a in range(spatial):
                valid = scan(real, meta, reference, lambda s, n, a=a: s[:2 + a] + [n] + s[3 + a:], stats)
                axes.append({"axis": 2 + a, "valid": valid})
        golden = {
            "generator": stamp,
            "source": {"file": file.replace("shared:", "../shared/fixtures/models/"), "expr": expr},
            "input": reference,
            "checked": [1, MAX_SIZE],
            "square": square,
            "axes": axes,
            "runs": stats,
        }
        (OUT_DIR / f"{name}.json").write_text(json.dumps(golden, sort_keys=True) + "\n")
        print(f"{name}: {len(square)} square sizes run, {stats['real']} CPU runs, {stats['meta']} meta runs, "
              f"{time.time() - started:.1f} s", flush=True)


if __name__ == "__main__":
    main()
