#!/usr/bin/python3
"""Golden files from REAL PyTorch: what every leaf module of a model sees and returns.

Run with Debian's interpreter (the one python3-torch / python3-torchvision install into):

    /usr/bin/python3 scripts/golden/trace_models.py [--fixtures ../shared/fixtures] [--only SUBSTRING]

It builds each model, runs one forward pass on zeros in eval mode, and records, in execution order,
every call of a leaf module (a module without children) through forward hooks, plus every torch
function called *outside* leaf modules (torch.cat, F.interpolate, `+`, view, ...) through a
TorchFunctionMode. MACs follow /work/shared/DESIGN.md: convolutions, transposed convolutions,
linear layers and matrix products only. See scripts/golden/README.md for the file formats.

This script is the oracle: it must not share code or assumptions with the TypeScript engine.
"""
import argparse
import contextlib
import datetime
import importlib.util
import json
import math
import os
import re
import sys
import warnings
from pathlib import Path

sys.dont_write_bytecode = True  # never leave __pycache__ in examples/ or the fixtures

import torch
import torch.nn as nn
import torchvision
from torch.overrides import TorchFunctionMode

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / "test" / "golden" / "torch"
SCRIPT = "scripts/golden/trace_models.py"
TORCHVISION_DIR = Path(torchvision.__file__).resolve().parent


def generator_stamp():
    return (f"{SCRIPT} with torch {torch.__version__}, torchvision {torchvision.__version__}, "
            f"python {sys.version.split()[0]}, on {datetime.date.today().isoformat()}")


# --------------------------------------------------------------------------------------------
# shapes and MACs

def shapes_of(value):
    """Shapes of every tensor in value, flattened in order through tuples, lists and dict values."""
    if isinstance(value, torch.Tensor):
        return [list(value.shape)]
    if isinstance(value, (tuple, list)):
        return [s for v in value for s in shapes_of(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in shapes_of(v)]
    return []


def module_macs(module, inputs, output):
    """Multiply-accumulates of one leaf module call (DESIGN.md convention)."""
    if isinstance(module, nn.modules.conv._ConvTransposeNd):
        # weight: (C_in, C_out/groups, *k); every input element is multiplied into C_out/groups * prod(k) outputs
        w = module.weight
        return inputs[0].numel() * w.shape[1] * math.prod(w.shape[2:])
    if isinstance(module, nn.modules.conv._ConvNd):
        # weight: (C_out, C_in/groups, *k)
        w = module.weight
        return output.numel() * w.shape[1] * math.prod(w.shape[2:])
    if isinstance(module, nn.Linear):
        # the weight, not `in_features`: forward reads only the weight (code may change the attribute)
        return output.numel() * module.weight.shape[1]
    return 0


MATMUL_FUNCS = {"matmul", "__matmul__", "__rmatmul__", "mm", "bmm", "baddbmm", "addmm"}


def einsum_macs(equation, operands):
    """A contraction of two or more operands: one multiply-accumulate per combination of every
    label's index (and the broadcast '...' dims), as for matmul (DESIGN.md: matrix products)."""
    if len(operands) < 2:
        return 0
    terms = equation.replace(" ", "").split("->")[0].split(",")
    sizes, ellipses = {}, []
    for term, t in zip(terms, operands):
        letters = term.replace("...", "")
        if "..." in term:
            before = term.index("...")
            ellipses.append(tuple(t.shape[before:before + t.dim() - len(letters)]))
            shape = list(t.shape[:before]) + list(t.shape[before + t.dim() - len(letters):])
        else:
            shape = list(t.shape)
        for letter, size in zip(letters, shape):
            sizes[letter] = max(sizes.get(letter, 1), size)
    ellipsis = torch.broadcast_shapes(*ellipses) if ellipses else ()
    return math.prod(sizes.values()) * math.prod(ellipsis)


def function_macs(name, args, output):
    """MACs of a torch function called outside any leaf module (functional conv/linear, matrix products)."""
    tensors = [a for a in args if isinstance(a, torch.Tensor)]
    if not isinstance(output, torch.Tensor):
        return 0
    if name in MATMUL_FUNCS:
        a = tensors[-2] if name in ("baddbmm", "addmm") else tensors[0]
        if name == "__rmatmul__":
            a = tensors[1]
        inner = a.shape[-1]
        return output.numel() * inner
    if name == "einsum" and args and isinstance(args[0], str):
        return einsum_macs(args[0], tensors)
    if name == "linear":
        return output.numel() * tensors[1].shape[1]
    if name in ("conv1d", "conv2d", "conv3d"):
        w = tensors[1]
        return output.numel() * w.shape[1] * math.prod(w.shape[2:])
    if name in ("conv_transpose1d", "conv_transpose2d", "conv_transpose3d"):
        w = tensors[1]
        return tensors[0].numel() * w.shape[1] * math.prod(w.shape[2:])
    return 0


# --------------------------------------------------------------------------------------------
# tracing

def _flatten_args(args, kwargs):
    flat = []
    for v in list(args) + list((kwargs or {}).values()):
        if isinstance(v, (list, tuple)) and any(isinstance(x, torch.Tensor) for x in v):
            flat.extend(v)
        else:
            flat.append(v)
    return flat


def _describe_args(args, kwargs):
    """Non-tensor arguments of a functional call, tensors written as T (for humans reading the golden)."""
    def one(v):
        if isinstance(v, torch.Tensor):
            return "T"
        if isinstance(v, (list, tuple)):
            inner = ", ".join(one(x) for x in v)
            return f"[{inner}]" if isinstance(v, list) else f"({inner}{',' if len(v) == 1 else ''})"
        if isinstance(v, torch.Size):
            return repr(tuple(v))
        if callable(v):
            return getattr(v, "__name__", type(v).__name__)
        return repr(v)
    parts = [one(a) for a in args] + [f"{k}={one(v)}" for k, v in (kwargs or {}).items()]
    return ", ".join(parts)


# The public names a traced callable is bound to. `type` (its __name__) cannot tell `torch.flatten(x)`
# from `x.flatten()`, nor `F.relu` from `torch.relu`: these names can. Operators reach torch as the
# method they dispatch to (`x + y` is Tensor.add, `x @ y` Tensor.matmul, `x += y` Tensor.add_).
PUBLIC_NAMESPACES = (("F", torch.nn.functional), ("Tensor", torch.Tensor), ("torch", torch))


def public_names(func):
    name = getattr(func, "__name__", None)
    if not isinstance(name, str):
        return []
    return [f"{prefix}.{name}" for prefix, namespace in PUBLIC_NAMESPACES if getattr(namespace, name, None) is func]


class Tracer(TorchFunctionMode):
    """Forward hooks on leaf modules + a torch-function mode for calls made outside leaf modules."""

    def __init__(self, model, source_roots):
        super().__init__()
        self.records = []
        self.depth = 0  # > 0 while a leaf module runs: its internal F.conv2d etc. are not separate calls
        self.source_roots = source_roots
        self.handles = []
        self.leaves = []  # (name, module) of every leaf, in named_modules() order
        self.called = set()  # ids of the leaves forward called
        for name, module in model.named_modules():
            if next(module.children(), None) is None:
                self.leaves.append((name, module))
                self.handles.append(module.register_forward_pre_hook(self._pre(name)))
                self.handles.append(module.register_forward_hook(self._post()))

    def _pre(self, name):
        def hook(module, inputs):
            self.depth += 1
            self.called.add(id(module))
            record = {
                "name": name,
                "type": type(module).__name__,
                "in": shapes_of(inputs),
                "params": sum(p.numel() for p in module.parameters()),
                "args": module.extra_repr(),
            }
            module._golden_pending = getattr(module, "_golden_pending", []) + [(record, inputs)]
            self.records.append(record)
        return hook

    def _post(self):
        def hook(module, inputs, output):
            record, pre_inputs = module._golden_pending.pop()
            record["out"] = shapes_of(output)
            record["macs"] = module_macs(module, pre_inputs, output) if isinstance(output, torch.Tensor) else 0
            self.depth -= 1
        return hook

    def _call_site(self):
        """file:line of the innermost frame that belongs to the model's own source (not torch itself)."""
        frame = sys._getframe(2)
        while frame is not None:
            path = Path(frame.f_code.co_filename).resolve()
            for root, label in self.source_roots:
                if path == root or root in path.parents:
                    rel = path.name if path == root else path.relative_to(root).as_posix()
                    return f"{label}{rel}:{frame.f_lineno}"
            frame = frame.f_back
        return None

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        result = func(*args, **kwargs)
        if self.depth == 0:
            out = shapes_of(result)
            if out:
                name = getattr(func, "__name__", str(func))
                flat = _flatten_args(args, kwargs)
                self.records.append({
                    "name": None,
                    "type": name,
                    "fn": public_names(func),
                    "in": shapes_of(flat),
                    "out": out,
                    "params": 0,
                    "macs": function_macs(name, flat, result),
                    "args": _describe_args(args, kwargs),
                    "at": self._call_site(),
                })
        return result

    def uncalled(self):
        """Leaf modules registered in the model that forward never called (an auxiliary head in
        eval mode, a layer built and left unused), with their own parameters."""
        return [{"name": name, "type": type(module).__name__, "params": sum(p.numel() for p in module.parameters())}
                for name, module in self.leaves if id(module) not in self.called]

    def close(self):
        for h in self.handles:
            h.remove()


def trace(model, input_shapes, source_roots):
    model.eval()
    inputs = [torch.zeros(*shape) for shape in input_shapes]
    tracer = Tracer(model, source_roots)
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with tracer:
                result = model(*inputs)
    finally:
        tracer.close()
    layers = tracer.records
    uncalled = tracer.uncalled()
    module_macs_total = sum(r["macs"] for r in layers if r["name"] is not None)
    function_macs_total = sum(r["macs"] for r in layers if r["name"] is None)
    golden = {
        "input": [list(s) for s in input_shapes],
        "outputs": shapes_of(result),
        "params": sum(p.numel() for p in model.parameters()),
        "macs": module_macs_total + function_macs_total,
        "macs_functional": function_macs_total,
        "layers": layers,
    }
    # Only when there are some: goldens of models that call every leaf keep their old layout.
    if uncalled:
        golden["uncalled"] = uncalled
    return golden


# --------------------------------------------------------------------------------------------
# output

def write_golden(path, obj):
    """Sorted keys; a list of objects (layers, cases) gets one line per item so diffs stay readable."""
    lines = ["{"]
    keys = sorted(obj)
    for i, key in enumerate(keys):
        comma = "," if i < len(keys) - 1 else ""
        value = obj[key]
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            lines.append(f"{json.dumps(key)}: [")
            for j, layer in enumerate(value):
                lines.append(json.dumps(layer, sort_keys=True) + ("," if j < len(value) - 1 else ""))
            lines.append("]" + comma)
        else:
            lines.append(f"{json.dumps(key)}: {json.dumps(value, sort_keys=True)}{comma}")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    json.loads(text)  # the hand-rolled layout must still be JSON
    path.write_text(text)


def slug(text):
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parse_shape_list(text):
    """'1,3,224,224' or '1,3,64,64;1,3,64,64' -> [[1,3,224,224], ...]"""
    return [[int(x) for x in part.split(",")] for part in text.split(";") if part.strip()]


# --------------------------------------------------------------------------------------------
# (a) fixtures

def fixture_cases(fixtures):
    rows = []
    for line in (fixtures / "cases.tsv").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t") + [""] * 5
        rows.append({
            "file": cols[0], "expr": cols[1], "input": parse_shape_list(cols[2]),
            "published_params": int(cols[3]) if cols[3].strip() else None,
            "published_gmacs": float(cols[4]) if cols[4].strip() else None,
        })
    return rows


def compare_with_expected(golden, expected):
    """Every disagreement between real PyTorch and a fixture's expected JSON, as readable strings."""
    problems = []
    for key in ("params", "macs", "outputs"):
        if golden[key] != expected[key]:
            problems.append(f"{key}: torch {golden[key]} vs expected {expected[key]}")
    mine = [l for l in golden["layers"] if l["name"] is not None]
    theirs = [l for l in expected["layers"] if l["name"] is not None]
    if len(mine) != len(theirs):
        problems.append(f"module calls: torch {len(mine)} vs expected {len(theirs)}")
    for i, (a, b) in enumerate(zip(mine, theirs)):
        exp_in = b["in"] if b["in"] and isinstance(b["in"][0], list) else [b["in"]]
        exp_out = b["out"] if b["out"] and isinstance(b["out"][0], list) else [b["out"]]
        diffs = []
        if a["name"] != b["name"]:
            diffs.append(f"name {a['name']} vs {b['name']}")
        if a["type"] != b["type"]:
            diffs.append(f"type {a['type']} vs {b['type']}")
        if a["in"][:1] != exp_in[:1]:
            diffs.append(f"in {a['in']} vs {exp_in}")
        if a["out"] != exp_out:
            diffs.append(f"out {a['out']} vs {exp_out}")
        if a["macs"] != b["macs"]:
            diffs.append(f"macs {a['macs']} vs {b['macs']}")
        if diffs:
            problems.append(f"layer {i} ({a['name']}): " + "; ".join(diffs))
    return problems


def run_fixtures(fixtures, only):
    report = []
    for row in fixture_cases(fixtures):
        name = "fixture_" + slug(Path(row["file"]).stem + "_" + row["expr"])
        if only and only not in name:
            continue
        module = load_module(fixtures / "models" / row["file"], "fixture_" + slug(row["file"]))
        model = eval(row["expr"], vars(module))
        golden = trace(model, row["input"], [(fixtures / "models", "")])
        golden.update({
            "generator": generator_stamp(),
            "source": {"kind": "fixture", "file": row["file"], "expr": row["expr"]},
            "published": {k: row[k] for k in ("published_params", "published_gmacs") if row[k] is not None},
        })
        write_golden(OUT_DIR / f"{name}.json", golden)

        expected_path = fixtures / "expected" / f"{slug(Path(row['file']).stem + '_' + row['expr'])}.json"
        problems = []
        if expected_path.exists():
            problems = compare_with_expected(golden, json.loads(expected_path.read_text()))
        else:
            problems = [f"no expected file {expected_path.name}"]
        if row["published_params"] is not None and golden["params"] != row["published_params"]:
            problems.append(f"published params {row['published_params']} vs torch {golden['params']}")
        if row["published_gmacs"] is not None and round(golden["macs"] / 1e9, 2) != row["published_gmacs"]:
            problems.append(f"published GMACs {row['published_gmacs']} vs torch {golden['macs'] / 1e9:.4f}")
        report.append({"case": name, "expected": expected_path.name, "agree": not problems, "problems": problems})
        print(f"{name}: params={golden['params']} macs={golden['macs']} "
              f"{'agrees' if not problems else 'DISAGREES: ' + ' | '.join(problems[:5])}")
    return report


# --------------------------------------------------------------------------------------------
# (b) examples

DIRECTIVE = re.compile(r"#\s*convlens:\s*input=\((?P<shape>[^)]*)\)")
CLASS_LINE = re.compile(r"class\s+(?P<name>\w+)\s*[(:]")


def example_models(path):
    """(class name, input shape) for every `# convlens: input=(...)` directive followed by a class."""
    lines = path.read_text().splitlines()
    found = []
    for i, line in enumerate(lines):
        m = DIRECTIVE.search(line)
        if not m:
            continue
        for follow in lines[i + 1:]:
            c = CLASS_LINE.match(follow)
            if c:
                shape = [int(x) for x in m.group("shape").split(",") if x.strip()]
                found.append((c.group("name"), shape))
                break
            if follow.strip() and not follow.lstrip().startswith(("#", "@")):
                break
    return found


def run_examples(only, folder="examples", prefix="example"):
    """Classes with a `# convlens: input=` directive in examples/ (ours, shipped) or in
    test/fixtures/styles/ (models written in the styles of popular repositories, test-only)."""
    for path in sorted((REPO / folder).glob("*.py")):
        module = load_module(path, prefix + "_" + path.stem)
        for class_name, shape in example_models(path):
            name = f"{prefix}_{path.stem}_{class_name}"
            if only and only not in name:
                continue
            golden = trace(getattr(module, class_name)(), [shape], [(REPO / folder, f"{folder}/")])
            golden.update({
                "generator": generator_stamp(),
                "source": {"kind": "example", "file": f"{folder}/{path.name}", "expr": f"{class_name}()"},
            })
            write_golden(OUT_DIR / f"{name}.json", golden)
            print(f"{name}: input={shape} params={golden['params']} macs={golden['macs']} out={golden['outputs']}")


# --------------------------------------------------------------------------------------------
# (c) torchvision

# (builder, module path under torchvision.models, kwargs as source text, input shape)
TORCHVISION_MODELS = [
    ("resnet18", "", "", [1, 3, 224, 224]),
    ("resnet50", "", "", [1, 3, 224, 224]),
    ("resnext50_32x4d", "", "", [1, 3, 224, 224]),
    ("wide_resnet50_2", "", "", [1, 3, 224, 224]),
    ("vgg11", "", "", [1, 3, 224, 224]),
    ("vgg16_bn", "", "", [1, 3, 224, 224]),
    ("alexnet", "", "", [1, 3, 224, 224]),
    ("squeezenet1_0", "", "", [1, 3, 224, 224]),
    ("squeezenet1_1", "", "", [1, 3, 224, 224]),
    ("densenet121", "", "", [1, 3, 224, 224]),
    ("mobilenet_v2", "", "", [1, 3, 224, 224]),
    ("mobilenet_v3_small", "", "", [1, 3, 224, 224]),
    ("mobilenet_v3_large", "", "", [1, 3, 224, 224]),
    ("shufflenet_v2_x1_0", "", "", [1, 3, 224, 224]),
    ("mnasnet1_0", "", "", [1, 3, 224, 224]),
    ("efficientnet_b0", "", "", [1, 3, 224, 224]),
    ("regnet_y_400mf", "", "", [1, 3, 224, 224]),
    ("regnet_x_800mf", "", "", [1, 3, 224, 224]),
    ("regnet_y_1_6gf", "", "", [1, 3, 224, 224]),
    ("convnext_tiny", "", "", [1, 3, 224, 224]),
    ("googlenet", "", "aux_logits=False, init_weights=False", [1, 3, 224, 224]),
    ("inception_v3", "", "aux_logits=False, init_weights=False", [1, 3, 299, 299]),
    # With the auxiliary head: it is never called in eval mode, yet its parameters are what the
    # published num_params counts (params count every registered parameter, used or not).
    ("inception_v3", "", "aux_logits=True, init_weights=False", [1, 3, 299, 299]),
    # Segmentation at 520x520, the size torchvision's own weights evaluate at (resize_size=520).
    # forward returns a dict: {"out": ...} or, with aux_loss=True, {"out": ..., "aux": ...}.
    ("fcn_resnet50", "segmentation", "weights_backbone=None", [1, 3, 520, 520]),
    ("fcn_resnet50", "segmentation", "weights_backbone=None, aux_loss=True", [1, 3, 520, 520]),
    ("deeplabv3_resnet50", "segmentation", "weights_backbone=None", [1, 3, 520, 520]),
    ("deeplabv3_resnet50", "segmentation", "weights_backbone=None, aux_loss=True", [1, 3, 520, 520]),
    ("lraspp_mobilenet_v3_large", "segmentation", "weights_backbone=None", [1, 3, 520, 520]),
]


# GFLOPS that torchvision publishes from 0.15 on (Weights meta "_ops"; 0.14.1 has no such field), at the
# input sizes used above. Keyed by golden name. Each value was found verbatim as `"_ops": <value>` in stored
# copies of torchvision's models source (for alexnet and resnet18 inside the very Weights entry with the
# matching num_params). Segmentation values include the auxiliary head, as the published weights do.
UPSTREAM_GFLOPS = {
    "torchvision_resnet18": 1.814, "torchvision_resnet50": 4.089, "torchvision_resnext50_32x4d": 4.23,
    "torchvision_wide_resnet50_2": 11.398, "torchvision_vgg11": 7.609, "torchvision_vgg16_bn": 15.47,
    "torchvision_alexnet": 0.714, "torchvision_squeezenet1_0": 0.819, "torchvision_squeezenet1_1": 0.349,
    "torchvision_densenet121": 2.834, "torchvision_mobilenet_v2": 0.301, "torchvision_mobilenet_v3_small": 0.057,
    "torchvision_mobilenet_v3_large": 0.217, "torchvision_shufflenet_v2_x1_0": 0.145,
    "torchvision_mnasnet1_0": 0.314, "torchvision_efficientnet_b0": 0.386, "torchvision_regnet_y_400mf": 0.402,
    "torchvision_convnext_tiny": 4.456, "torchvision_googlenet": 1.498, "torchvision_inception_v3_aux": 5.713,
    "torchvision_fcn_resnet50_aux": 152.717, "torchvision_deeplabv3_resnet50_aux": 178.722,
    "torchvision_lraspp_mobilenet_v3_large": 2.086,
}


def torchvision_golden_name(builder, extra):
    """torchvision_<builder>, plus _aux for the variants that keep an auxiliary head."""
    return f"torchvision_{builder}" + ("_aux" if "aux_logits=True" in extra or "aux_loss=True" in extra else "")


def published_meta(builder):
    """num_params (and _ops / GFLOPS where this torchvision has them) of every Weights entry of a builder."""
    try:
        enum = torchvision.models.get_model_weights(builder)
    except Exception as exc:  # no weights enum registered
        return {"error": repr(exc)}
    entries = {}
    for weights in enum:
        meta = weights.meta
        entry = {"num_params": meta.get("num_params")}
        for key in ("_ops", "GFLOPS", "_metrics"):
            if key in meta:
                entry[key] = meta[key]
        entries[f"{enum.__name__}.{weights.name}"] = entry
    return entries


def run_torchvision(only):
    for builder, subpackage, extra, shape in TORCHVISION_MODELS:
        name = torchvision_golden_name(builder, extra)
        if only and only not in name:
            continue
        package = torchvision.models.segmentation if subpackage == "segmentation" else torchvision.models
        call = f"{builder}(weights=None{', ' + extra if extra else ''})"
        model = eval(call, {builder: getattr(package, builder)})
        golden = trace(model, [shape], [(TORCHVISION_DIR, "torchvision/")])
        builder_fn = getattr(package, builder)
        src_file = Path(sys.modules[builder_fn.__module__].__file__).resolve().relative_to(TORCHVISION_DIR.parent)
        golden.update({
            "generator": generator_stamp(),
            "source": {"kind": "torchvision", "file": src_file.as_posix(),
                       "expr": call, "torchvision": torchvision.__version__},
            "published": published_meta(builder),
        })
        if name in UPSTREAM_GFLOPS:
            golden["published_gflops_upstream"] = UPSTREAM_GFLOPS[name]
        write_golden(OUT_DIR / f"{name}.json", golden)
        pub = {e["num_params"] for e in golden["published"].values() if isinstance(e, dict) and "num_params" in e}
        flag = "" if not pub or pub == {golden["params"]} else f"  (published num_params {sorted(pub)})"
        if name in UPSTREAM_GFLOPS and round(golden["macs"] / 1e9, 3) != UPSTREAM_GFLOPS[name]:
            flag += f"  (upstream GFLOPS {UPSTREAM_GFLOPS[name]})"
        print(f"{name}: params={golden['params']} GMACs={golden['macs'] / 1e9:.3f} out={golden['outputs']}{flag}")


# --------------------------------------------------------------------------------------------
# (d) library: tinytimm, our own timm-style package installed in a test site-packages, and the
#     project files that build models from it (test/fixtures/libraries/). Kept separate from the
#     other sources on purpose.

LIBRARY_ROOT = REPO / "test" / "fixtures" / "libraries"
LIBRARY_DIRECTIVE = re.compile(r"#\s*convlens:\s*model=(?P<expr>.*?)\s+input=\(?(?P<shape>[\d,\s]+)\)?\s*$")


def library_models(path):
    """(expr, input shape) of every `# convlens: model=EXPR input=SHAPE` comment of a project file."""
    found = []
    for line in path.read_text().splitlines():
        m = LIBRARY_DIRECTIVE.search(line)
        if m:
            found.append((m.group("expr"), [int(x) for x in m.group("shape").split(",") if x.strip()]))
    return found


def run_library(only):
    site = LIBRARY_ROOT / "site-packages"
    project = LIBRARY_ROOT / "project"
    sys.path.insert(0, str(site))
    # Loading weights changes no shape: tinytimm's `pretrained=True` reads an empty state dict
    # instead of downloading anything.
    try:
        with no_weight_loading():
            import tinytimm
            library = {"name": "tinytimm", "version": tinytimm.__version__,
                       "path": Path(tinytimm.__file__).resolve().parent.relative_to(REPO).as_posix()}
            for path in sorted(project.glob("*.py")):
                module = load_module(path, "libfix_" + path.stem)
                for expr, shape in library_models(path):
                    name = f"libfix_{path.stem}_{slug(expr)}"
                    if only and only not in name:
                        continue
                    model = eval(expr, vars(module))
                    golden = trace(model, [shape], [(project, "test/fixtures/libraries/project/"), (site, "")])
                    golden.update({
                        "generator": generator_stamp(),
                        "source": {"kind": "library", "file": path.relative_to(REPO).as_posix(), "expr": expr,
                                   "library": library},
                    })
                    write_golden(OUT_DIR / f"{name}.json", golden)
                    print(f"{name}: input={shape} params={golden['params']} macs={golden['macs']} out={golden['outputs']}")
    finally:
        sys.path.remove(str(site))


# --------------------------------------------------------------------------------------------
# (e) user files built on the installed torchvision

LIBRARY_USERS = REPO / "test" / "fixtures" / "library_users"


def run_library_users(only):
    """User-style files in test/fixtures/library_users/ that build models from the installed
    torchvision with pretrained weights and change them through the nn.Module API. Loading weights
    changes no shape: while they are traced nothing is downloaded or read — every loader returns an
    empty state dict and load_state_dict does nothing."""
    with no_weight_loading():
        for path in sorted(LIBRARY_USERS.glob("*.py")):
            module = load_module(path, "library_" + path.stem)
            for expr, shape in library_models(path):
                name = f"library_{path.stem}_{slug(expr)}"
                if only and only not in name:
                    continue
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # pretrained=True is deprecated
                    model = eval(expr, vars(module))
                golden = trace(model, [shape], [(LIBRARY_USERS, "test/fixtures/library_users/"),
                                                (TORCHVISION_DIR, "torchvision/")])
                golden.update({
                    "generator": generator_stamp(),
                    "source": {"kind": "library_user", "file": path.relative_to(REPO).as_posix(), "expr": expr,
                               "torchvision": torchvision.__version__},
                })
                write_golden(OUT_DIR / f"{name}.json", golden)
                print(f"{name}: input={shape} params={golden['params']} macs={golden['macs']} out={golden['outputs']}")


@contextlib.contextmanager
def no_weight_loading():
    """Loading weights changes no shape: while models are traced nothing is downloaded or read —
    every loader returns an empty state dict and load_state_dict does nothing."""
    import torchvision.models._api as tv_api
    import torch.utils.model_zoo as model_zoo
    patches = [
        (torch.hub, "load_state_dict_from_url", lambda *args, **kwargs: {}),
        (tv_api, "load_state_dict_from_url", lambda *args, **kwargs: {}),
        (model_zoo, "load_url", lambda *args, **kwargs: {}),
        (torch, "load", lambda *args, **kwargs: {}),
        (nn.Module, "load_state_dict", lambda self, state_dict, strict=True: None),
    ]
    saved = [(obj, attr, getattr(obj, attr)) for obj, attr, _ in patches]
    for obj, attr, value in patches:
        setattr(obj, attr, value)
    try:
        yield
    finally:
        for obj, attr, value in saved:
            setattr(obj, attr, value)


# --------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fixtures", type=Path, default=REPO.parent / "shared" / "fixtures")
    parser.add_argument("--only", default="", help="only goldens whose file name contains this")
    parser.add_argument("--skip", default="", help="comma list of parts to skip: fixtures,examples,styles,torchvision,library,library_users,functions")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    torch.manual_seed(0)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    OUT_DIR.mkdir(parents=True, exist_ok=True)

    if "fixtures" not in skip:
        report = run_fixtures(args.fixtures.resolve(), args.only)
        if not args.only:
            write_golden(OUT_DIR / "fixtures_crosscheck.json", {
                "generator": generator_stamp(),
                "what": "real PyTorch vs ../shared/fixtures/expected/*.json and cases.tsv published numbers "
                        "(params, macs, outputs, per module call: name, type, first input, outputs, macs)",
                "cases": report,
            })
    if "examples" not in skip:
        with no_weight_loading():  # examples/pspnet.py builds torchvision's resnet50 with weights=
            run_examples(args.only)
    if "styles" not in skip:
        run_examples(args.only, "test/fixtures/styles", "style")
    if "torchvision" not in skip:
        run_torchvision(args.only)
    if "library" not in skip:
        run_library(args.only)
    if "library_users" not in skip:
        run_library_users(args.only)
    if "functions" not in skip and (not args.only or args.only in "functions"):
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import function_cases
        function_cases.write(OUT_DIR / "functions.json", generator_stamp())


if __name__ == "__main__":
    main()
