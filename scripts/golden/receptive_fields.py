#!/usr/bin/python3
"""Receptive field and jump of every traced leaf-module call, measured by REAL PyTorch autograd.

Run with Debian's interpreter (python3-torch 1.13, python3-torchvision 0.14):

    /usr/bin/python3 scripts/golden/receptive_fields.py [--only SUBSTRING] [--skip fixtures,examples,styles,torchvision]

Models are built exactly as scripts/golden/trace_models.py builds them (that module is imported and
its run_* functions reused, with its `trace` replaced by `measure` below and its writer pointed at
test/golden/torch/geometry/), on the golden's own input shape.

What is measured, per leaf-module call whose output is laid out (N, C, *spatial) like the input:

* **rf** per spatial axis: the input positions whose gradient is nonzero for one interior output
  position (summed over channels), max - min + 1 along each axis. For an up-sampled output (jump
  below 1) the largest extent over one period of output positions.
* **jump** per axis: (first input position of the rf of output position p + q) minus (that of p),
  divided by q, as an exact fraction; q is the period (the denominator of in/out, at most 64).

So that no tap cancels and every position of a window counts, the measurement runs on a modified
forward (shapes and the forward *values* of linear layers are those of the real model):

* every parameter is set positive (uniform in [0.5, 1.5], divided by the fan-in for weights of
  rank >= 2 so values stay near 1); BatchNorm's running mean 0 and variance 1 (eval mode); the input
  is positive;
* elementwise non-linearities (relu, relu6/hardtanh, sigmoid, hardsigmoid, hardswish, silu, gelu,
  tanh, elu, leaky_relu, ...) keep their forward value but pass the gradient straight through
  (`x + (f(x) - x).detach()`), so a ReLU or a saturated gate never zeroes a tap;
* max pools (also adaptive) keep their forward value but take the gradient of a window sum of the
  same geometry (kernel, stride, padding, dilation, ceil_mode) / of the adaptive average pool, so
  every position of the window counts, not only the arg-max;
* layer_norm, group_norm and instance_norm pass the gradient straight through: their statistics are
  treated as constants (as eval-mode BatchNorm's are). Real autograd through group / instance norm
  sees every spatial position (the statistics are taken over the image), which DESIGN.md's
  rf does not count; this is the one place where the oracle follows DESIGN.md's convention instead
  of the plain gradient.

Borders are kept out: a measurement whose rf reaches the first or last input position along an
axis (the image border, where padding would cut it) is not recorded (`rf: null`, `why`). Nothing is
taken from the TypeScript engine.
"""
import argparse
import math
import sys
import time
import warnings
from fractions import Fraction
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.overrides import TorchFunctionMode

import trace_models as tm

GEOMETRY_DIR = tm.OUT_DIR / "geometry"
SCRIPT = "scripts/golden/receptive_fields.py"
WRITE_JSON = tm.write_golden  # the golden layout, before main() points trace_models' writer here

# A representative subset of trace_models.TORCHVISION_MODELS (all of them take too long on two
# shared cores): depthwise convolutions with squeeze-excitation and hard gates, channel shuffle,
# concatenating branches with ceil-mode max pools, overlapping max pools.
# Each layer costs one backward pass per probe, so a network's cost grows with its depth times its
# MACs: models over this many MACs at their golden input are left out (no geometry file), and the
# larger input is tried only under a quarter of it. Deterministic, unlike a time limit.
MACS_BUDGET = 1_000_000_000
TRACE = tm.trace
TORCHVISION_SUBSET = {"torchvision_mobilenet_v3_small", "torchvision_shufflenet_v2_x1_0",
                      "torchvision_squeezenet1_0", "torchvision_alexnet"}

STRAIGHT_THROUGH = {
    "relu", "relu_", "relu6", "hardtanh", "hardtanh_", "sigmoid", "sigmoid_", "hardsigmoid", "hardswish",
    "silu", "gelu", "tanh", "tanh_", "elu", "elu_", "leaky_relu", "leaky_relu_", "mish", "softplus", "selu",
    "celu", "prelu", "threshold", "threshold_", "rrelu", "logsigmoid", "softsign", "tanhshrink",
    "layer_norm", "group_norm", "instance_norm", "dropout", "dropout2d", "alpha_dropout", "feature_alpha_dropout",
}
MAX_POOLS = {"_max_pool1d", "_max_pool2d", "_max_pool3d", "max_pool1d", "max_pool2d", "max_pool3d",
             "max_pool1d_with_indices", "max_pool2d_with_indices", "max_pool3d_with_indices"}
ADAPTIVE_MAX = {"_adaptive_max_pool1d", "_adaptive_max_pool2d", "_adaptive_max_pool3d", "adaptive_max_pool1d",
                "adaptive_max_pool2d", "adaptive_max_pool3d", "adaptive_max_pool1d_with_indices",
                "adaptive_max_pool2d_with_indices", "adaptive_max_pool3d_with_indices"}


def _tuple(v, n):
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


def _window_sum(x, out_size, kernel, stride, padding, dilation):
    """Sum over every window of a max pool's geometry, cropped to the pool's output size (ceil_mode
    windows that start inside the input reach past it: extra padding on the far side covers them)."""
    n = len(kernel)
    conv = (F.conv1d, F.conv2d, F.conv3d)[n - 1]
    channels = x.shape[1]
    weight = torch.ones((channels, 1) + tuple(kernel), dtype=x.dtype)
    pads = []
    for a in reversed(range(n)):
        pads += [padding[a], padding[a] + stride[a] * kernel[a] * dilation[a]]
    y = conv(F.pad(x, pads), weight, stride=stride, dilation=dilation, groups=channels)
    return y[(slice(None), slice(None)) + tuple(slice(0, s) for s in out_size)]


def _with_gradient_of(value, surrogate):
    return value.detach() + (surrogate - surrogate.detach())


class Densify(TorchFunctionMode):
    """Forward values as torch computes them, gradients that count every tap (module docstring)."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = getattr(func, "__name__", "")
        result = func(*args, **kwargs)
        if name in STRAIGHT_THROUGH and args and isinstance(args[0], torch.Tensor) and isinstance(result, torch.Tensor):
            x = args[0]
            if x.shape == result.shape and x.requires_grad:
                return x + (result - x).detach()
            return result
        if name in MAX_POOLS or name in ADAPTIVE_MAX:
            x = args[0]
            value = result[0] if isinstance(result, tuple) else result
            if not x.requires_grad:
                return result
            n = x.dim() - 2
            if name in MAX_POOLS:
                params = dict(zip(["kernel_size", "stride", "padding", "dilation", "ceil_mode"], args[1:]))
                params.update(kwargs)
                kernel = _tuple(params["kernel_size"], n)
                stride = params.get("stride") or kernel
                surrogate = _window_sum(x, value.shape[2:], kernel, _tuple(stride, n),
                                        _tuple(params.get("padding", 0), n), _tuple(params.get("dilation", 1), n))
            else:
                pool = (F.adaptive_avg_pool1d, F.adaptive_avg_pool2d, F.adaptive_avg_pool3d)[n - 1]
                surrogate = pool(x, value.shape[2:])
            dense = _with_gradient_of(value, surrogate)
            return (dense,) + tuple(result[1:]) if isinstance(result, tuple) else dense
        return result


def positive_model(model):
    gen = torch.Generator().manual_seed(20261206)
    with torch.no_grad():
        for p in model.parameters():
            values = torch.rand(p.shape, generator=gen) + 0.5
            if p.dim() >= 2:
                values /= p[0].numel()
            p.copy_(values)
        for m in model.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm) and m.running_var is not None:
                m.running_mean.zero_()
                m.running_var.fill_(1.0)


def extent(support, axis):
    """(first, last) input position along `axis` that the gradient reaches, or None."""
    other = tuple(a for a in range(support.dim()) if a != axis)
    line = support.to(torch.int64).sum(dim=other) != 0 if other else support
    idx = torch.nonzero(line).flatten()
    if idx.numel() == 0:
        return None
    return int(idx[0]), int(idx[-1])


def measure_one(x, y):
    """rf and jump of output tensor y (N, C, *spatial) with respect to input x, or (None, why)."""
    if not isinstance(y, torch.Tensor) or not y.requires_grad:
        return None, "does not depend on the input"
    if y.dim() != x.dim() or y.dim() < 3:
        return None, "no spatial axes"
    n = y.dim() - 2
    in_size, out_size = x.shape[2:], y.shape[2:]
    # The probes walk the diagonal from a position left of the centre far enough for two periods.
    reach = 2 * PERIODS[-1]
    if any(out_size[a] < 8 for a in range(n)):
        return None, "output too small to probe"
    base = [max(1, out_size[a] // 2 - min(reach, out_size[a] // 2 - 2) // 2) for a in range(n)]
    limit = min(out_size[a] - 2 - base[a] for a in range(n))

    def probe(pos):
        seed = torch.zeros_like(y)
        seed[(0, slice(None)) + tuple(pos)] = 1.0
        (g,) = torch.autograd.grad(y, x, seed, retain_graph=True, allow_unused=True)
        if g is None:
            return None
        support = (g[0] != 0).any(dim=0)
        spans = [extent(support, a) for a in range(n)]
        return None if any(s is None for s in spans) else spans

    diagonal = []

    def along(t):
        while len(diagonal) <= t:
            spans = probe([b + len(diagonal) for b in base])
            if spans is None:
                raise LookupError("no gradient reaches the input")
            for a in range(n):
                if spans[a][0] == 0 or spans[a][1] == in_size[a] - 1:
                    raise LookupError("the receptive field reaches the border of this input")
            diagonal.append(spans)
        return diagonal[t]

    def shift(t, q, a):
        """How far the rf of position t + q lies from that of t along axis a (None: not a copy)."""
        lo = along(t + q)[a][0] - along(t)[a][0]
        return lo if along(t + q)[a][1] - along(t)[a][1] == lo else None

    period = None
    try:
        for q in PERIODS:
            if 2 * q > limit:
                break
            offsets = [shift(0, q, a) for a in range(n)]
            if all(o is not None and o > 0 and all(shift(t, q, a) == o for t in range(1, q + 1)) for a, o in enumerate(offsets)):
                period = q
                break
    except LookupError as exc:
        return None, str(exc)
    if period is None:
        return None, "no period of at most %d output positions found" % PERIODS[-1]
    q = period
    if n > 1:
        # Output axis 0 moved alone must move input axis 0 alone: the tensor is channels-first.
        side = probe([base[0] + q] + base[1:])
        if side is None or side[0] != diagonal[q][0] or any(side[a] != diagonal[0][a] for a in range(1, n)):
            return None, "output axes are not the input's spatial axes"
    rf = [max(diagonal[t][a][1] - diagonal[t][a][0] + 1 for t in range(q)) for a in range(n)]
    jump = [str(Fraction(diagonal[q][a][0] - diagonal[0][a][0], q)) for a in range(n)]
    return {"rf": rf, "jump": jump, "period": q}, None


# Periods tried, smallest first: the rf of output position t + q must be that of t shifted, for
# every t of two periods (the jump is then the shift / q).
PERIODS = [1, 2, 3, 4, 6, 8, 12, 16]


def measure_run(model, input_shapes):
    """One forward at `input_shapes`: every leaf-module call in order, with rf / jump where measured."""
    gen = torch.Generator().manual_seed(7)
    inputs = [torch.rand(*shape, generator=gen) + 0.5 for shape in input_shapes]
    inputs[0].requires_grad_(True)
    calls = []  # [name, type, output clone]

    def pre(name):
        def hook(module, args):
            calls.append([name, type(module).__name__, None])
            module._rf_pending = getattr(module, "_rf_pending", []) + [len(calls) - 1]
        return hook

    def post(module, args, output):
        index = module._rf_pending.pop()
        first = output
        while isinstance(first, (tuple, list)) and first:
            first = first[0]
        # A clone: a later in-place op (`out += identity`) must not become part of this layer.
        calls[index][2] = first.clone() if isinstance(first, torch.Tensor) else None

    handles = []
    for name, module in model.named_modules():
        if next(module.children(), None) is None:
            handles.append(module.register_forward_pre_hook(pre(name)))
            handles.append(module.register_forward_hook(post))
    try:
        with warnings.catch_warnings(), Densify():
            warnings.simplefilter("ignore")
            model(*inputs)
    finally:
        for h in handles:
            h.remove()
    layers = []
    for index, (name, kind, output) in enumerate(calls):
        record = {"call": index, "name": name, "type": kind}
        if len(inputs) != 1:
            record.update(rf=None, why="several inputs")
        else:
            result, why = measure_one(inputs[0], output)
            if result is None:
                record.update(rf=None, why=why)
            else:
                record.update(result)
        layers.append(record)
    return {"input": [list(s) for s in input_shapes], "layers": layers}


def enlarged(shape):
    """The golden's input made larger, so that deeper layers' receptive fields fit inside it."""
    return list(shape[:2]) + [max(2 * s, 12) for s in shape[2:]]


def measure(model, input_shapes, source_roots):
    """Stand-in for trace_models.trace: the same leaf-module calls in the same order, with rf/jump,
    at the golden's input and, where the model accepts it and it measures more, at a larger one."""
    macs = TRACE(model, input_shapes, source_roots)["macs"]
    if macs > MACS_BUDGET:
        print(f"  (not measured: {macs / 1e9:.2f} GMACs is over the budget of {MACS_BUDGET / 1e9:g})")
        return {"runs": None, "params": 0, "macs": macs, "outputs": []}
    model.eval()
    positive_model(model)
    runs = [measure_run(model, input_shapes)]
    missed = any(l["rf"] is None and l["why"] in BORDER_WHYS for l in runs[0]["layers"])
    if missed and len(input_shapes) == 1 and 4 * macs <= MACS_BUDGET:
        try:
            bigger = measure_run(model, [enlarged(input_shapes[0])])
        except Exception as exc:  # a model with a fixed flatten size: only the golden's input
            print(f"  (not measured at {enlarged(input_shapes[0])}: {type(exc).__name__})")
        else:
            runs.append(bigger)
    return {"runs": runs,
            # what trace_models' run_* functions print
            "params": sum(p.numel() for p in model.parameters()), "macs": 0, "outputs": []}


BORDER_WHYS = {"output too small to probe", "the receptive field reaches the border of this input",
               "no period of at most %d output positions found" % PERIODS[-1]}


def write_geometry(path, obj):
    if obj["runs"] is None:
        return
    obj = {k: v for k, v in obj.items() if k not in ("published", "published_gflops_upstream", "params", "macs", "outputs")}
    obj["generator"] = obj["generator"].replace(tm.SCRIPT, SCRIPT)
    runs = obj.pop("runs")
    obj["measured"] = [f"{sum(1 for l in run['layers'] if l.get('rf') is not None)} of {len(run['layers'])} module calls"
                       for run in runs]
    # One line per layer (the golden layout); `run` indexes `inputs`.
    obj["inputs"] = [run["input"][0] for run in runs]
    obj["layers"] = [dict(layer, run=i) for i, run in enumerate(runs) for layer in run["layers"]]
    WRITE_JSON(GEOMETRY_DIR / path.name, obj)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fixtures", type=Path, default=tm.REPO.parent / "shared" / "fixtures")
    parser.add_argument("--only", default="")
    parser.add_argument("--skip", default="", help="comma list: fixtures,examples,styles,torchvision")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    torch.manual_seed(0)
    torch.set_num_threads(1)
    GEOMETRY_DIR.mkdir(parents=True, exist_ok=True)
    original_write = tm.write_golden
    tm.trace = measure
    tm.compare_with_expected = lambda golden, expected: []
    tm.TORCHVISION_MODELS = [m for m in tm.TORCHVISION_MODELS if tm.torchvision_golden_name(m[0], m[2]) in TORCHVISION_SUBSET]
    tm.write_golden = lambda path, obj: write_geometry(path, obj)
    started = time.process_time()
    try:
        if "fixtures" not in skip:
            tm.run_fixtures(args.fixtures.resolve(), args.only)
        if "examples" not in skip:
            with tm.no_weight_loading():
                tm.run_examples(args.only)
        if "styles" not in skip:
            tm.run_examples(args.only, "test/fixtures/styles", "style")
        if "torchvision" not in skip:
            tm.run_torchvision(args.only)
    finally:
        tm.write_golden = original_write
    print(f"CPU time {time.process_time() - started:.1f} s")


if __name__ == "__main__":
    main()
