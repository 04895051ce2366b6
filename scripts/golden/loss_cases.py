"""Fixed-seed calls of the losses (nn.*Loss modules and their F.* forms) and what real PyTorch
answers: the output shape, or the exception type and the first line of its message.

    /usr/bin/python3 scripts/golden/loss_cases.py   # writes test/golden/torch/loss_cases.json

Each case is a self-contained Python expression over `torch`, `nn` and `F`;
test/unit/ops-losses-golden.test.ts evaluates it with ConvLens's interpreter and compares.
Inputs are zeros (class-index targets `dtype=torch.long`), so no value can make a case raise.
"""
import json
import os
import random
import sys
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 20261206
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "test", "golden", "torch", "loss_cases.json")

ELEMENTWISE = [("L1Loss", "l1_loss"), ("MSELoss", "mse_loss"), ("SmoothL1Loss", "smooth_l1_loss"),
               ("HuberLoss", "huber_loss"), ("KLDivLoss", "kl_div")]
SAME_SIZE = [("BCELoss", "binary_cross_entropy"), ("BCEWithLogitsLoss", "binary_cross_entropy_with_logits")]
CLASSES = [("CrossEntropyLoss", "cross_entropy"), ("NLLLoss", "nll_loss")]


def z(shape, dtype=None):
    args = ", ".join(str(s) for s in shape) if shape else "()"
    return f"torch.zeros({args}{', dtype=torch.long' if dtype else ''})"


def shape(rng, lo=1, hi=4):
    return [rng.randint(1, 4) for _ in range(rng.randint(lo, hi))]


def options(rng, legacy=True):
    pick = rng.random()
    if pick < 0.45:
        return ""
    if pick < 0.8:
        return f"reduction={rng.choice(['none', 'sum', 'mean', 'none', 'batchmean_typo'])!r}"
    if not legacy:
        return "reduction='none'"
    return rng.choice(["size_average=False", "reduce=False", "size_average=True, reduce=True", "size_average=False, reduce=True"])


def call(rng, module, function, opts, extra=""):
    args = ", ".join(a for a in (extra, opts) if a)
    if rng.random() < 0.5:
        return lambda i, t: f"nn.{module}({args})({i}, {t})"
    return lambda i, t: f"F.{function}({i}, {t}{', ' + args if args else ''})"


def elementwise_case(rng):
    module, function = rng.choice(ELEMENTWISE)
    a = shape(rng)
    b = list(a) if rng.random() < 0.5 else rng.choice([a[1:], [1] + a[1:], shape(rng)])
    make = call(rng, module, function, options(rng, legacy=module != "HuberLoss"))
    return make(z(a), z(b))


def same_size_case(rng):
    module, function = rng.choice(SAME_SIZE)
    a = shape(rng)
    b = list(a) if rng.random() < 0.7 else shape(rng)
    make = call(rng, module, function, options(rng))
    return make(z(a), z(b))


def classes_case(rng):
    module, function = rng.choice(CLASSES)
    a = shape(rng, 1, 4)
    expected = [] if len(a) == 1 else [a[0]] + a[2:]
    r = rng.random()
    if r < 0.55:
        target = z(expected, dtype=True)
    elif r < 0.75 and module == "CrossEntropyLoss":
        target = z(a)
    else:
        target = z(shape(rng, 0, 3), dtype=True)
    extra = rng.choice(["", "ignore_index=255", "ignore_index=-1"]) + (", label_smoothing=0.1" if module == "CrossEntropyLoss" and rng.random() < 0.3 else "")
    make = call(rng, module, function, options(rng), extra.strip(", "))
    return make(z(a), target)


FAMILIES = [("elementwise", elementwise_case, 50), ("same_size", same_size_case, 30), ("classes", classes_case, 60)]


def main():
    rng = random.Random(SEED)
    cases, seen = [], set()
    for family, make, count in FAMILIES:
        made = 0
        while made < count:
            expr = make(rng)
            if expr in seen:
                continue
            seen.add(expr)
            case = {"family": family, "expr": expr}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    value = eval(expr, {"torch": torch, "nn": nn, "F": F})
                    case["out"] = [list(value.shape)]
                except Exception as e:  # noqa: BLE001 - the exception is the recorded answer
                    case["error"] = type(e).__name__
                    case["message"] = str(e).splitlines()[0] if str(e) else ""
            cases.append(case)
            made += 1
    out = {"generator": f"scripts/golden/loss_cases.py with torch {torch.__version__}",
           "seed": SEED, "namespace": "torch, nn = torch.nn, F = torch.nn.functional", "cases": cases}
    with open(OUT, "w") as f:
        json.dump(out, f, indent=0, sort_keys=True)
        f.write("\n")
    errors = sum(1 for c in cases if "error" in c)
    print(f"{len(cases)} cases, {errors} raise, written to {os.path.relpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
