#!/usr/bin/python3
"""Bytes of parameters and layer outputs where the code picks a dtype other than float32, from
REAL PyTorch 1.13 (CPU): test/unit/dtypeMemory.test.ts analyses the same model sources and checks
that every byte count ConvLens gives is torch's, and that it says "unknown" (null) wherever torch's
element size is not float32's 4 bytes or torch refuses to run the model.

    /usr/bin/python3 scripts/golden/dtype_memory.py   # writes test/golden/torch/dtype_memory.json

Per case: the model source (class `Net`, input shape), and per leaf-module call in execution order
(forward hooks): `name`, own parameter `numel` and `param_bytes` (numel × element_size), output
`out_numel` and `out_bytes`. Where torch raises, `error` holds its message and `layers` the calls
that completed before it; `param_bytes` of every leaf is recorded from the built model either way.
Deterministic: no dates, no randomness.
"""
import json
import os
import warnings

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "test", "golden", "torch", "dtype_memory.json")

HEAD = "import torch\nimport torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"

# (name, __init__ body, forward body, input shape). Bodies are indented by the template.
CASES = [
    ("float32_control", ["self.conv = nn.Conv2d(3, 8, 3)", "self.fc = nn.Linear(8, 4)"],
     ["x = self.conv(x).mean((2, 3))", "return self.fc(x)"], (1, 3, 16, 16)),
    ("layer_dtype_float64", ["self.conv = nn.Conv2d(3, 8, 3, dtype=torch.float64)"],
     ["return self.conv(x.double())"], (1, 3, 16, 16)),
    ("layer_dtype_bfloat16", ["self.conv = nn.Conv2d(3, 8, 3, dtype=torch.bfloat16)", "self.act = nn.ReLU()"],
     ["return self.act(self.conv(x.to(torch.bfloat16)))"], (1, 3, 16, 16)),
    ("layer_dtype_float16_refused", ["self.conv = nn.Conv2d(3, 8, 3, dtype=torch.float16)"],
     ["return self.conv(x)"], (1, 3, 16, 16)),
    ("layer_dtype_float32_explicit", ["self.fc = nn.Linear(6, 5, dtype=torch.float32)"],
     ["return self.fc(x)"], (2, 6)),
    ("factory_kwargs_none", ["factory_kwargs = {'device': None, 'dtype': None}", "self.fc = nn.Linear(6, 5, **factory_kwargs)"],
     ["return self.fc(x)"], (2, 6)),
    ("input_half_refused", ["self.conv = nn.Conv2d(3, 8, 3)"],
     ["return self.conv(x.half())"], (1, 3, 16, 16)),
    ("input_double_refused", ["self.conv = nn.Conv2d(3, 8, 3)"],
     ["return self.conv(x.double())"], (1, 3, 16, 16)),
    ("made_in_forward_float16", ["self.conv = nn.Conv2d(3, 8, 3)"],
     ["y = torch.zeros(1, 3, 16, 16, dtype=torch.float16)", "return self.conv(y)"], (1, 3, 16, 16)),
    ("module_double_input_double", ["self.conv = nn.Conv2d(3, 8, 3)", "self.pool = nn.AdaptiveAvgPool2d(1)", "self.double()"],
     ["return self.pool(self.conv(x.double()))"], (1, 3, 16, 16)),
    ("to_device_and_dtype_positional", ["self.fc = nn.Linear(6, 5).double()", "self.act = nn.Tanh()"],
     ["return self.act(self.fc(x.to('cpu', torch.float64)))"], (2, 6)),
    ("back_to_float32", ["self.conv = nn.Conv2d(3, 8, 3)"],
     ["return self.conv(x.double().float())"], (1, 3, 16, 16)),
    ("activation_after_double_layer", ["self.fc = nn.Linear(6, 5, dtype=torch.float64)", "self.act = nn.Sigmoid()"],
     ["return self.act(self.fc(x.to(dtype=torch.float64)))"], (2, 6)),
    ("embedding_int_input", ["self.emb = nn.Embedding(10, 4)", "self.fc = nn.Linear(4, 3)"],
     ["return self.fc(self.emb(x.long()))"], (2, 7)),
]


def source(init, forward):
    body = "".join(f"        {line}\n" for line in init)
    fwd = "".join(f"        {line}\n" for line in forward)
    return HEAD + body + "\n    def forward(self, x):\n" + fwd


def nbytes(t):
    return t.numel() * t.element_size()


def run(name, init, forward, shape):
    code = source(init, forward)
    namespace = {}
    exec(compile(code, name, "exec"), namespace)
    model = namespace["Net"]().eval()
    leaves = [(n, m) for n, m in model.named_modules() if next(m.children(), None) is None and n]
    calls = []
    handles = []
    for n, m in leaves:
        def hook(module, inputs, output, n=n):
            own = list(module.parameters(recurse=False))
            calls.append({"name": n, "numel": sum(p.numel() for p in own), "param_bytes": sum(nbytes(p) for p in own),
                          "out_numel": output.numel(), "out_bytes": nbytes(output)})
        handles.append(m.register_forward_hook(hook))
    case = {"name": name, "source": code, "input": list(shape),
            "params": [{"name": n, "numel": sum(p.numel() for p in m.parameters(recurse=False)),
                        "param_bytes": sum(nbytes(p) for p in m.parameters(recurse=False))} for n, m in leaves]}
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model(torch.zeros(*shape))
    except Exception as e:  # torch refusing the dtypes is the point of some cases
        case["error"] = str(e).split("\n")[0]
    case["layers"] = calls
    return case


def main():
    cases = [run(*c) for c in CASES]
    with open(OUT, "w") as f:
        json.dump({"generator": "scripts/golden/dtype_memory.py", "torch": torch.__version__, "cases": cases}, f, indent=1)
        f.write("\n")
    print(f"{len(cases)} cases -> {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
