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


FAMILIES = [("elementwise", elementwise_case, 150), ("same_size", same_size_case, 90), ("classes", classes_case, 180)]

L = "dtype=torch.long"
# Hand-picked edges: each check of a loss's shape rules, reduction before or after the shapes.
EDGES = [
    "F.kl_div(torch.zeros(2, 3), torch.zeros(2, 3), reduction='batchmean')",
    "nn.KLDivLoss(reduction='batchmean')(torch.zeros(2, 3), torch.zeros(2, 3))",
    "F.mse_loss(torch.zeros(2, 3), torch.zeros(2, 3), reduction='batchmean')",
    "F.kl_div(torch.zeros(2, 3), torch.zeros(4, 3), reduction='typo')",
    "F.mse_loss(torch.zeros(2, 3), torch.zeros(4, 3), reduction='typo')",
    "F.l1_loss(torch.zeros(2, 3), torch.zeros(4, 3), reduction='typo')",
    "F.binary_cross_entropy(torch.zeros(2, 3), torch.zeros(4, 3), reduction='typo')",
    "F.binary_cross_entropy_with_logits(torch.zeros(2, 3), torch.zeros(4, 3), reduction='typo')",
    f"F.cross_entropy(torch.zeros(2, 3), torch.zeros(4, {L}), reduction='typo')",
    f"F.nll_loss(torch.zeros(2, 3), torch.zeros(4, {L}), reduction='typo')",
    "F.binary_cross_entropy(torch.zeros(2, 3), torch.zeros(2, 1))",
    "F.binary_cross_entropy_with_logits(torch.zeros(2, 3), torch.zeros(2, 1))",
    "F.binary_cross_entropy(torch.zeros(6), torch.zeros(2, 3))",
    "F.binary_cross_entropy_with_logits(torch.zeros(6), torch.zeros(2, 3))",
    f"F.cross_entropy(torch.zeros(()), torch.zeros((), {L}))",
    f"F.nll_loss(torch.zeros(()), torch.zeros((), {L}))",
    f"F.nll_loss(torch.zeros(2, 3), torch.zeros(3, {L}))",
    f"nn.NLLLoss()(torch.zeros(3), torch.zeros((), {L}))",
    f"F.nll_loss(torch.zeros(3), torch.zeros(1, {L}))",
    f"F.nll_loss(torch.zeros(3), torch.zeros(3, {L}))",
    f"F.nll_loss(torch.zeros(2, 3), torch.zeros(2, 1, {L}))",
    f"F.nll_loss(torch.zeros(2, 3), torch.zeros((), {L}))",
    f"F.nll_loss(torch.zeros(2, 3, 4, 5), torch.zeros(2, 4, 5, {L}))",
    f"F.nll_loss(torch.zeros(2, 3, 4, 5), torch.zeros(2, 4, {L}))",
    f"F.nll_loss(torch.zeros(2, 3, 4, 5), torch.zeros(2, 4, 5, 1, {L}))",
    f"F.nll_loss(torch.zeros(2, 3, 4, 5), torch.zeros(2, 5, 4, {L}))",
    f"F.nll_loss(torch.zeros(2, 3, 4, 5), torch.zeros(3, 4, 5, {L}))",
    f"F.nll_loss(torch.zeros(2, 3, 4), torch.zeros(2, 4, {L}))",
    f"F.nll_loss(torch.zeros(2, 3, 4), torch.zeros(2, 5, {L}))",
    f"F.nll_loss(torch.zeros(2, 3, 4, 5, 6), torch.zeros(2, 4, 5, 6, {L}))",
    f"F.nll_loss(torch.zeros(2, 3, 4, 5, 6), torch.zeros(2, 4, 5, {L}))",
    f"F.cross_entropy(torch.zeros(2, 3, 4, 5), torch.zeros(2, 4, 5, {L}))",
    f"F.cross_entropy(torch.zeros(2, 3, 4, 5), torch.zeros(2, 4, 6, {L}))",
    f"F.cross_entropy(torch.zeros(2, 3, 4, 5), torch.zeros(2, 4, 5, {L}), reduction='none')",
    "F.cross_entropy(torch.zeros(2, 3), torch.zeros(2, 3), reduction='none')",
    "F.cross_entropy(torch.zeros(2, 3, 4), torch.zeros(2, 3, 4), reduction='none')",
    "F.cross_entropy(torch.zeros(2, 3), torch.zeros(2, 3, 4))",
    "F.cross_entropy(torch.zeros(3), torch.zeros(3), reduction='none')",
    "F.cross_entropy(torch.zeros(2, 3), torch.zeros(2, 3), ignore_index=1)",
    "F.cross_entropy(torch.zeros(2, 3), torch.zeros(2, 3), ignore_index=-1, reduction='none')",
    f"F.cross_entropy(torch.zeros(2, 3), torch.zeros(2, {L}), ignore_index=1, reduction='none')",
    f"nn.CrossEntropyLoss(ignore_index=1)(torch.zeros(2, 3), torch.zeros(2, 3))",
    f"nn.CrossEntropyLoss(size_average=False, reduce=False)(torch.zeros(2, 3), torch.zeros(2, {L}))",
    f"nn.NLLLoss(reduce=False)(torch.zeros(2, 3, 4), torch.zeros(2, 4, {L}))",
    "nn.MSELoss(size_average=True, reduce=False)(torch.zeros(2, 3), torch.zeros(2, 3))",
    "nn.L1Loss(size_average=False)(torch.zeros(2, 3), torch.zeros(2, 3))",
    "F.smooth_l1_loss(torch.zeros(2, 3), torch.zeros(3), reduction='none')",
    "F.huber_loss(torch.zeros(2, 3), torch.zeros(2, 1), reduction='none')",
    "F.mse_loss(torch.zeros(2, 1, 3), torch.zeros(4, 1), reduction='none')",
]

# Constructed losses and what torch holds: `reduction` (legacy size_average/reduce folded in) and
# each hyperparameter of __init__ (not weight/pos_weight, which are tensors).
MODULES = [
    "nn.L1Loss()", "nn.L1Loss(reduction='sum')", "nn.L1Loss(size_average=False)", "nn.L1Loss(reduce=False)",
    "nn.L1Loss(size_average=True, reduce=True)", "nn.L1Loss(size_average=False, reduce=True)", "nn.L1Loss(size_average=None, reduce=None, reduction='none')",
    "nn.MSELoss(size_average=True)", "nn.MSELoss(reduce=True)", "nn.MSELoss(reduction='mean')", "nn.MSELoss(size_average=False, reduction='none')",
    "nn.SmoothL1Loss()", "nn.SmoothL1Loss(beta=0.5)", "nn.SmoothL1Loss(beta=1.0)", "nn.HuberLoss(delta=2.0)", "nn.HuberLoss(delta=1.0)",
    "nn.HuberLoss(reduction='sum')", "nn.KLDivLoss(reduction='batchmean')", "nn.KLDivLoss(log_target=True)",
    "nn.BCELoss()", "nn.BCELoss(reduction='none')", "nn.BCEWithLogitsLoss(size_average=False)",
    "nn.CrossEntropyLoss()", "nn.CrossEntropyLoss(ignore_index=255)", "nn.CrossEntropyLoss(ignore_index=-100)",
    "nn.CrossEntropyLoss(label_smoothing=0.1)", "nn.CrossEntropyLoss(label_smoothing=0.0, reduction='sum')",
    "nn.CrossEntropyLoss(ignore_index=0, label_smoothing=0.2, reduction='none')",
    "nn.NLLLoss()", "nn.NLLLoss(ignore_index=-1)", "nn.NLLLoss(reduce=False)",
]


def module_case(expr):
    import inspect
    module = eval(expr, {"torch": torch, "nn": nn, "F": F})
    held = {"reduction": module.reduction}
    for name in inspect.signature(type(module).__init__).parameters:
        if name not in ("self", "weight", "pos_weight", "size_average", "reduce", "reduction") and hasattr(module, name):
            held[name] = getattr(module, name)
    return {"expr": expr, "held": held}


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
    for expr in EDGES:
        assert expr not in seen, expr
        seen.add(expr)
        case = {"family": "edges", "expr": expr}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                case["out"] = [list(eval(expr, {"torch": torch, "nn": nn, "F": F}).shape)]
            except Exception as e:  # noqa: BLE001 - the exception is the recorded answer
                case["error"] = type(e).__name__
                case["message"] = str(e).splitlines()[0] if str(e) else ""
        cases.append(case)
    out = {"generator": f"scripts/golden/loss_cases.py with torch {torch.__version__}",
           "seed": SEED, "namespace": "torch, nn = torch.nn, F = torch.nn.functional", "cases": cases,
           "modules": [module_case(e) for e in MODULES]}
    with open(OUT, "w") as f:
        json.dump(out, f, indent=0, sort_keys=True)
        f.write("\n")
    errors = sum(1 for c in cases if "error" in c)
    print(f"{len(cases)} cases, {errors} raise, written to {os.path.relpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
