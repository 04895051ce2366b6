#!/usr/bin/python3
"""Hand-picked layer calls at the edges of the engine's operator checks, and what real PyTorch says.

Written to kill the surviving mutants of `npm run mutation` on server/src/engine/ops/{conv,
convTranspose,pool,adaptivePool,padding}.ts: each case sits on one boundary (a padding equal to
the input size, groups that do not divide, a None in output_size, ...). Run with Debian's
interpreter (python3-torch 1.13):

    /usr/bin/python3 scripts/golden/mg_layer_cases.py   # writes test/golden/torch/mg_layer_cases.json

A case is either a module built from `module` and called on torch.zeros(`input`) — recorded: the
output shape(s), the parameter count and the MACs (trace_models.module_macs, DESIGN.md's
convention) — or a self-contained expression `expr` over torch, F and nn — recorded: the output
shape(s). Either way, when torch raises, the exception type and the first line of its message are
recorded instead (`stage`: "build" when the constructor raised, "call" when the forward did).
Nothing is taken from the TypeScript engine.
"""
import json
import os
import sys
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from trace_models import module_macs  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'golden', 'torch', 'mg_layer_cases.json')
NS = {"torch": torch, "F": F, "nn": nn}

MODULE_CASES = [
    # ---- conv.ts
    ("nn.Conv2d(4, 8, 3, padding='same', dilation=2)", [1, 4, 9, 7]),
    ("nn.Conv2d(4, 8, (3, 4), padding='same')", [2, 4, 6, 6]),
    ("nn.Conv1d(3, 6, 4, padding='same', dilation=3)", [3, 20]),
    ("nn.Conv2d(4, 8, 3, padding='valid')", [1, 4, 5, 6]),
    ("nn.Conv2d(4, 8, 3, padding=0)", [1, 4, 3, 3]),
    ("nn.Conv2d(4, 8, 3, padding=0)", [1, 4, 2, 3]),
    ("nn.Conv2d(4, 8, 3, padding=1)", [1, 4, 1, 1]),
    ("nn.Conv2d(4, 8, 3, dilation=2)", [1, 4, 5, 5]),
    ("nn.Conv2d(4, 8, 3, dilation=2)", [1, 4, 4, 5]),
    ("nn.Conv2d(4, 8, 3, stride=2, padding=1, groups=4, bias=False)", [2, 4, 7, 8]),
    ("nn.Conv2d(6, 9, 2, groups=3)", [1, 6, 5, 5]),
    ("nn.Conv2d(6, 9, 2, groups=3)", [6, 5, 5]),
    ("nn.Conv2d(6, 9, 2, groups=3)", [1, 5, 5, 5]),
    ("nn.Conv2d(6, 9, 2, groups=3)", [5, 5]),
    ("nn.Conv2d(6, 9, 2, groups=3)", [1, 1, 6, 5, 5]),
    ("nn.Conv3d(2, 4, (1, 2, 3), stride=(1, 2, 3), padding=(0, 1, 2))", [1, 2, 3, 4, 5]),
    ("nn.Conv2d(4, 8, 3, padding=2, padding_mode='reflect')", [1, 4, 3, 3]),
    ("nn.Conv2d(4, 8, 3, padding=2, padding_mode='reflect')", [1, 4, 2, 3]),
    ("nn.Conv2d(4, 8, 3, padding=2, padding_mode='reflect')", [1, 4, 3, 2]),
    ("nn.Conv2d(4, 8, 3, padding=2, padding_mode='circular')", [1, 4, 2, 2]),
    ("nn.Conv2d(4, 8, 3, padding=2, padding_mode='circular')", [1, 4, 1, 2]),
    ("nn.Conv2d(4, 8, 3, padding=3, padding_mode='circular')", [1, 4, 2, 3]),
    ("nn.Conv2d(4, 8, 3, padding=1, padding_mode='replicate')", [1, 4, 1, 1]),
    ("nn.Conv1d(4, 8, 4, padding='same', padding_mode='reflect')", [1, 4, 2]),
    ("nn.Conv1d(4, 8, 4, padding='same', padding_mode='reflect')", [1, 4, 3]),
    ("nn.Conv1d(4, 8, 5, padding='same', padding_mode='circular')", [1, 4, 2]),
    ("nn.Conv1d(4, 8, 6, padding='same', padding_mode='circular')", [1, 4, 2]),
    ("nn.Conv1d(4, 8, 6, padding='same', padding_mode='circular')", [1, 4, 3]),
    ("nn.Conv2d(0, 0, 3)", [1, 0, 5, 5]),
    ("nn.Conv2d(-1, 8, 3)", None),
    ("nn.Conv2d(4, -8, 3)", None),
    ("nn.Conv2d(4, 0, 3)", [1, 4, 5, 5]),
    ("nn.Conv2d(4, 8, 0)", [1, 4, 5, 5]),
    ("nn.Conv2d(4, 8, (3, 0))", [1, 4, 5, 5]),
    ("nn.Conv2d(4, 8, 3, groups=0)", None),
    ("nn.Conv2d(4, 8, 3, groups=3)", None),
    ("nn.Conv2d(4, 6, 3, groups=4)", None),
    ("nn.Conv2d(4, 8, 3, padding_mode='zero')", None),
    ("nn.Conv2d(4, 8, 3, padding='full')", None),
    ("nn.Conv2d(4, 8, 3, padding='same', stride=2)", None),
    ("nn.Conv2d(4, 8, 3, padding='same', stride=(1, 2))", None),
    ("nn.Conv2d(4, 8, 3, stride=0)", [1, 4, 5, 5]),
    ("nn.Conv2d(4, 8, 3, dilation=0)", [1, 4, 5, 5]),
    ("nn.Conv2d(4, 8, 3, padding=-1)", [1, 4, 5, 5]),
    # ---- convTranspose.ts
    ("nn.ConvTranspose2d(4, 8, 3, stride=2, padding=1, output_padding=1)", [1, 4, 5, 6]),
    ("nn.ConvTranspose2d(4, 8, 3, stride=2, padding=1, output_padding=1)", [4, 5, 6]),
    ("nn.ConvTranspose2d(4, 8, 3, stride=2, padding=1, output_padding=1)", [5, 6]),
    ("nn.ConvTranspose2d(4, 8, 3, stride=2, padding=1, output_padding=1)", [1, 3, 5, 6]),
    ("nn.ConvTranspose2d(4, 8, 3, stride=2, padding=1, output_padding=2)", [1, 4, 5, 6]),
    ("nn.ConvTranspose2d(4, 8, 3, stride=1, padding=0, output_padding=1, dilation=2)", [1, 4, 5, 6]),
    ("nn.ConvTranspose2d(4, 8, 3, stride=1, padding=0, output_padding=2, dilation=2)", [1, 4, 5, 6]),
    ("nn.ConvTranspose2d(4, 8, 3, stride=(2, 1), padding=0, output_padding=(1, 0))", [1, 4, 5, 6]),
    ("nn.ConvTranspose2d(4, 8, 3, stride=(2, 1), padding=0, output_padding=(0, 1))", [1, 4, 5, 6]),
    ("nn.ConvTranspose1d(6, 9, 4, stride=3, padding=2, groups=3, bias=False, dilation=2)", [2, 6, 7]),
    ("nn.ConvTranspose3d(2, 4, (1, 2, 3), stride=(1, 2, 3), padding=(0, 1, 1))", [1, 2, 3, 4, 5]),
    ("nn.ConvTranspose2d(4, 8, 3, padding=1)", [1, 4, 1, 1]),
    ("nn.ConvTranspose2d(4, 8, 3, padding=2)", [1, 4, 1, 1]),
    ("nn.ConvTranspose2d(4, 8, 3, padding=2)", [1, 4, 2, 1]),
    ("nn.ConvTranspose2d(4, 8, 3, padding=2)", [1, 4, 2, 2]),
    ("nn.ConvTranspose2d(4, 0, 3)", [1, 4, 5, 5]),
    ("nn.ConvTranspose2d(0, 4, 3)", [1, 0, 5, 5]),
    ("nn.ConvTranspose2d(4, 8, 0)", [1, 4, 5, 5]),
    ("nn.ConvTranspose2d(-4, 8, 3)", None),
    ("nn.ConvTranspose2d(4, -8, 3)", None),
    ("nn.ConvTranspose2d(4, 8, 3, stride=0)", [1, 4, 5, 5]),
    ("nn.ConvTranspose2d(4, 8, 3, dilation=0)", [1, 4, 5, 5]),
    ("nn.ConvTranspose2d(4, 8, 3, padding=-1)", [1, 4, 5, 5]),
    ("nn.ConvTranspose2d(4, 8, 3, stride=2, output_padding=-1)", [1, 4, 5, 5]),
    ("nn.ConvTranspose2d(4, 8, 3, groups=0)", None),
    ("nn.ConvTranspose2d(4, 8, 3, groups=3)", None),
    ("nn.ConvTranspose2d(6, 8, 3, groups=3)", None),
    ("nn.ConvTranspose2d(4, 8, 3, groups=2)", [1, 4, 5, 5]),
    ("nn.ConvTranspose2d(4, 8, 3, padding='same')", [1, 4, 5, 5]),
    ("nn.ConvTranspose2d(4, 8, 3, padding_mode='reflect')", None),
    # ---- pool.ts
    ("nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)", [1, 4, 6, 7]),
    ("nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)", [1, 4, 5, 5]),
    ("nn.MaxPool2d(2, stride=2, padding=1, ceil_mode=True)", [1, 4, 4, 5]),
    ("nn.MaxPool2d(3, stride=3, padding=1, ceil_mode=True)", [1, 4, 4, 5]),
    ("nn.MaxPool2d(3, stride=2, padding=1)", [4, 6, 7]),
    ("nn.MaxPool2d(3, stride=2, padding=1)", [6, 7]),
    ("nn.MaxPool2d(3, stride=2, padding=1)", [1, 1, 4, 6, 7]),
    ("nn.MaxPool2d(3, stride=2, padding=2)", [1, 4, 6, 7]),
    ("nn.MaxPool2d(4, stride=2, padding=2)", [1, 4, 6, 7]),
    ("nn.MaxPool2d(3, stride=2, padding=-1)", [1, 4, 6, 7]),
    ("nn.MaxPool2d(0, stride=2)", [1, 4, 6, 7]),
    ("nn.MaxPool2d(3, stride=0)", [1, 4, 6, 7]),
    ("nn.MaxPool2d(3, dilation=0)", [1, 4, 6, 7]),
    ("nn.MaxPool2d(3, dilation=2)", [1, 4, 5, 6]),
    ("nn.MaxPool2d(3, dilation=2)", [1, 4, 4, 6]),
    ("nn.MaxPool2d(3, stride=1)", [1, 4, 3, 3]),
    ("nn.MaxPool2d(3, stride=1)", [1, 4, 2, 3]),
    ("nn.MaxPool2d(2)", [1, 0, 4, 4]),
    ("nn.MaxPool2d(2)", [0, 3, 4, 4]),
    ("nn.MaxPool2d(2)", [1, 3, 4, 0]),
    ("nn.MaxPool1d(3)", [1, 4, 2]),
    ("nn.MaxPool1d(3, return_indices=True)", [1, 4, 2]),
    ("nn.MaxPool1d(3, return_indices=True)", [1, 4, 7]),
    ("nn.MaxPool2d(3, return_indices=True)", [1, 4, 7, 6]),
    ("nn.AvgPool1d(3)", [1, 4, 2]),
    ("nn.AvgPool1d(3)", [1, 4, 3]),
    ("nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False, divisor_override=2)", [1, 4, 6, 7]),
    ("nn.AvgPool2d(3, divisor_override=0)", [1, 4, 6, 7]),
    ("nn.AvgPool3d((1, 2, 3), stride=(1, 1, 2), padding=(0, 1, 1), ceil_mode=True)", [1, 2, 3, 4, 5]),
    ("nn.LPPool2d(2, 3, stride=2)", [1, 4, 6, 7]),
    ("nn.LPPool2d(2, 3, stride=2, ceil_mode=True)", [1, 4, 6, 7]),
    ("nn.LPPool1d(2, 3)", [1, 4, 2]),
    ("nn.MaxPool3d(2, stride=1, padding=1, dilation=2)", [1, 2, 3, 4, 5]),
    # ---- adaptivePool.ts
    ("nn.AdaptiveAvgPool2d((3, None))", [1, 4, 7, 5]),
    ("nn.AdaptiveAvgPool2d((None, 2))", [4, 7, 5]),
    ("nn.AdaptiveAvgPool2d(3)", [7, 5]),
    ("nn.AdaptiveAvgPool2d(0)", [1, 4, 7, 5]),
    ("nn.AdaptiveAvgPool2d((0, 2))", [1, 4, 7, 5]),
    ("nn.AdaptiveAvgPool2d(-1)", [1, 4, 7, 5]),
    ("nn.AdaptiveAvgPool2d((2, -1))", [1, 4, 7, 5]),
    ("nn.AdaptiveAvgPool2d((2, 3, 4))", [1, 4, 7, 5]),
    ("nn.AdaptiveAvgPool2d(2.5)", [1, 4, 7, 5]),
    ("nn.AdaptiveAvgPool2d((2, 2.5))", [1, 4, 7, 5]),
    ("nn.AdaptiveAvgPool2d(2)", [0, 4, 7, 5]),
    ("nn.AdaptiveAvgPool2d(2)", [1, 0, 7, 5]),
    ("nn.AdaptiveAvgPool2d(2)", [1, 4, 0, 5]),
    ("nn.AdaptiveAvgPool2d(2)", [4, 0, 5]),
    ("nn.AdaptiveMaxPool2d((5, 3), return_indices=True)", [1, 4, 7, 5]),
    ("nn.AdaptiveMaxPool1d(4)", [2, 3, 10]),
    ("nn.AdaptiveAvgPool3d((2, None, 1))", [1, 2, 3, 4, 5]),
    ("nn.AdaptiveAvgPool1d(8)", [1, 2, 3]),
    # ---- padding.ts
    ("nn.ZeroPad2d((1, 2, 3, 4))", [1, 2, 3, 4]),
    ("nn.ZeroPad2d((1, 2, 3, 4))", [3, 4]),
    ("nn.ZeroPad2d(2)", [4]),
    ("nn.ZeroPad2d((-1, -2, 0, 1))", [1, 2, 3, 4]),
    ("nn.ZeroPad2d((-2, -2, 0, 1))", [1, 2, 3, 4]),
    ("nn.ZeroPad2d((-3, -2, 0, 1))", [1, 2, 3, 4]),
    ("nn.ZeroPad2d((-1, -1, 0, 0))", [1, 2, 3, 2]),
    ("nn.ZeroPad2d((-2, -1, 0, 0))", [1, 2, 3, 2]),
    ("nn.ConstantPad1d((2, 3), 1.5)", [2, 3, 4]),
    ("nn.ConstantPad1d((2, 3), 1.5)", [4]),
    ("nn.ConstantPad3d((1, 0, 2, 0, 0, 3), 0.0)", [2, 3, 4]),
    ("nn.ConstantPad3d((1, 0, 2, 0, 0, 3), 0.0)", [3, 4]),
    ("nn.ReflectionPad1d((2, 3))", [1, 2, 4]),
    ("nn.ReflectionPad1d((2, 4))", [1, 2, 4]),
    ("nn.ReflectionPad1d((4, 2))", [1, 2, 4]),
    ("nn.ReflectionPad1d((3, 3))", [2, 4]),
    ("nn.ReflectionPad1d((3, 3))", [4]),
    ("nn.ReflectionPad1d((3, 3))", [1, 1, 2, 4]),
    ("nn.ReflectionPad1d((-1, 2))", [1, 2, 4]),
    ("nn.ReflectionPad2d((1, 2, 3, 1))", [1, 2, 4, 3]),
    ("nn.ReflectionPad2d((1, 2, 3, 1))", [1, 2, 3, 3]),
    ("nn.ReflectionPad2d((1, 3, 0, 1))", [1, 2, 4, 3]),
    ("nn.ReflectionPad3d(1)", [1, 2, 2, 2, 2]),
    ("nn.ReflectionPad3d((1, 1, 1, 1, 2, 0))", [1, 2, 2, 2, 2]),
    ("nn.ReplicationPad2d((1, 2, 3, 4))", [1, 2, 1, 1]),
    ("nn.ReplicationPad2d((-1, 0, 0, 0))", [1, 2, 3, 1]),
    ("nn.ReplicationPad2d((-1, 0, 0, 0))", [1, 2, 3, 2]),
    ("nn.ReplicationPad2d((0, 0, -3, 1))", [1, 2, 3, 2]),
    ("nn.ReplicationPad1d((5, 6))", [2, 1]),
    ("nn.ReplicationPad3d((1, 2, 0, 1, 2, 0))", [2, 2, 3, 4]),
]

EXPR_CASES = [
    # ---- F.conv*
    "F.conv2d(torch.zeros(1, 6, 5, 5), torch.zeros(9, 2, 2, 3), groups=3)",
    "F.conv2d(torch.zeros(1, 6, 5, 5), torch.zeros(9, 2, 2, 3), torch.zeros(9), groups=3, stride=2)",
    "F.conv2d(torch.zeros(1, 6, 5, 5), torch.zeros(8, 2, 2, 3), groups=3)",
    "F.conv2d(torch.zeros(1, 6, 5, 5), torch.zeros(9, 2, 2, 3), torch.zeros(8), groups=3)",
    "F.conv2d(torch.zeros(1, 6, 5, 5), torch.zeros(9, 2, 2, 3), torch.zeros(9, 1), groups=3)",
    "F.conv2d(torch.zeros(1, 6, 5, 5), torch.zeros(9, 6, 2))",
    "F.conv1d(torch.zeros(1, 6, 5), torch.zeros(9, 6, 2, 2))",
    "F.conv3d(torch.zeros(1, 6, 5, 5, 5), torch.zeros(9, 6, 2, 2))",
    "F.conv2d(torch.zeros(1, 6, 5, 5), torch.zeros(9, 6, 3, 3), padding='same')",
    "F.conv2d(torch.zeros(1, 6, 5, 5), torch.zeros(9, 6, 3, 3), padding='valid', dilation=2)",
    "F.conv2d(torch.zeros(1, 6, 5, 5), torch.zeros(9, 6, 3, 3), stride=(2, 1), padding=(1, 0))",
    "F.conv2d(torch.zeros(1, 6, 5, 5), torch.zeros(9, 3, 3, 3))",
    "F.conv2d(torch.zeros(1, 6, 5, 5), torch.zeros(9, 6, 3, 3), padding='same', stride=2)",
    "F.conv2d(torch.zeros(1, 6, 5, 5), torch.zeros(9, 6, 3, 3), groups=0)",
    "F.conv2d(torch.zeros(1, 6, 5, 5), torch.zeros(9, 6, 3, 3), padding='full')",
    # ---- F.conv_transpose*
    "F.conv_transpose2d(torch.zeros(1, 6, 5, 5), torch.zeros(6, 3, 2, 3), groups=2, stride=2)",
    "F.conv_transpose2d(torch.zeros(1, 6, 5, 5), torch.zeros(6, 3, 2, 3), torch.zeros(6), groups=2, stride=2, output_padding=1)",
    "F.conv_transpose2d(torch.zeros(1, 6, 5, 5), torch.zeros(6, 3, 2, 3), torch.zeros(3), groups=2)",
    "F.conv_transpose2d(torch.zeros(1, 6, 5, 5), torch.zeros(6, 3, 2, 3), torch.zeros(6, 1), groups=2)",
    "F.conv_transpose2d(torch.zeros(1, 6, 5, 5), torch.zeros(6, 3, 2, 3), groups=4)",
    "F.conv_transpose2d(torch.zeros(1, 6, 5, 5), torch.zeros(6, 3, 2))",
    "F.conv_transpose1d(torch.zeros(1, 6, 5), torch.zeros(6, 3, 2, 2))",
    "F.conv_transpose2d(torch.zeros(1, 6, 5, 5), torch.zeros(6, 3, 2, 3), stride=2, padding=1, dilation=2)",
    "F.conv_transpose2d(torch.zeros(1, 6, 5, 5), torch.zeros(6, 3, 2, 3), stride=0)",
    # ---- F pools
    "F.max_pool2d(torch.zeros(1, 3, 7, 6), 3, 2, 1, 1, True, True)",
    "F.max_pool2d_with_indices(torch.zeros(1, 3, 7, 6), 2)",
    "F.max_pool1d_with_indices(torch.zeros(1, 3, 2), 3)",
    "F.max_pool1d(torch.zeros(1, 3, 2), 3)",
    "F.avg_pool2d(torch.zeros(1, 3, 7, 6), 3, stride=(2, 1), padding=(1, 0), ceil_mode=True)",
    "F.lp_pool2d(torch.zeros(1, 3, 7, 6), 2, 3)",
    "torch.max_pool2d(torch.zeros(1, 3, 7, 6), 3, (), 1)",
    "torch.max_pool1d(torch.zeros(1, 3, 2), 3)",
    "torch.avg_pool1d(torch.zeros(1, 3, 7), 3, (), 1, True)",
    # ---- F adaptive pools
    "F.adaptive_avg_pool2d(torch.zeros(1, 3, 7, 6), (None, 4))",
    "F.adaptive_max_pool2d(torch.zeros(1, 3, 7, 6), 3, True)",
    "F.adaptive_max_pool2d(torch.zeros(1, 3, 7, 6), 3)",
    "F.adaptive_max_pool1d_with_indices(torch.zeros(1, 3, 7), 3)",
    "F.adaptive_avg_pool3d(torch.zeros(2, 3, 4, 5), (1, 2, 3))",
]


def shapes(result):
    if isinstance(result, torch.Tensor):
        return [list(result.shape)]
    return [list(t.shape) for t in result]


def error(exc):
    text = str(exc).strip()
    return {"error": type(exc).__name__, "message": text.splitlines()[0] if text else ""}


def module_case(ctor, input_shape):
    case = {"module": ctor, "input": input_shape}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            module = eval(ctor, NS)
        except Exception as exc:  # the refusal is the answer being recorded
            case.update(error(exc), stage="build")
            return case
        case["params"] = sum(p.numel() for p in module.parameters())
        if input_shape is None:
            return case
        x = torch.zeros(*input_shape)
        try:
            out = module(x)
        except Exception as exc:
            case.update(error(exc), stage="call")
            return case
        case["out"] = shapes(out)
        case["macs"] = module_macs(module, [x], out if isinstance(out, torch.Tensor) else out[0])
    return case


def expr_case(expr):
    case = {"expr": expr}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            case["out"] = shapes(eval(expr, NS))
        except Exception as exc:
            case.update(error(exc), stage="call")
    return case


def main():
    cases = [module_case(c, s) for c, s in MODULE_CASES] + [expr_case(e) for e in EXPR_CASES]
    lines = ["{", '"cases": [']
    lines += [json.dumps(c, sort_keys=True) + ("," if i < len(cases) - 1 else "") for i, c in enumerate(cases)]
    lines += ["],", f'"generator": "scripts/golden/mg_layer_cases.py, torch {torch.__version__}"', "}"]
    text = "\n".join(lines) + "\n"
    json.loads(text)
    with open(OUT, "w") as f:
        f.write(text)
    print(f"mg_layer_cases.json: {len(cases)} cases, {sum(1 for c in cases if 'error' in c)} raise")


if __name__ == "__main__":
    main()
