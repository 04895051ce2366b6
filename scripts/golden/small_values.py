"""Values of small tensors and NumPy arrays as model-construction code computes sizes with them,
and what real torch 1.13 / NumPy print: test/unit/smallValues-golden.test.ts runs the same snippets
through the analysis. A value the analysis gives must equal this one exactly; where it cannot be
sure (torch's float32 log/exp/pow and long linspace are not correctly rounded, and differ between
machines) it may say Unknown, never another number. `known: true` marks the cases it must know.

    /usr/bin/python3 scripts/golden/small_values.py   # writes test/golden/torch/small_values.json

Deterministic: fixed seed, no dates.
"""
import json
import math
import os
import random
import warnings

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "test", "golden", "torch", "small_values.json")
SEED = 20261206

REGNET_TORCH = """
def widths(w_a, w_0, w_m, depth, q=8):
    cont = torch.arange(depth) * w_a + w_0
    cap = torch.round(torch.log(cont / w_0) / math.log(w_m))
    ws = (torch.round(torch.divide(w_0 * torch.pow(w_m, cap), q)) * q).int().tolist()
    splits = [w != wp for w, wp in zip(ws + [0], [0] + ws)]
    depths = torch.diff(torch.tensor([d for d, t in enumerate(splits) if t])).int().tolist()
    return ws, depths
"""

REGNET_NUMPY = """
def widths(w_a, w_0, w_m, depth, q=8):
    cont = np.arange(depth) * w_a + w_0
    ks = np.round(np.log(cont / w_0) / np.log(w_m))
    ws = np.round(np.divide(w_0 * np.power(w_m, ks), q)) * q
    return ws.astype(int).tolist(), len(np.unique(ws)), int(ks.max() + 1)
"""

# (w_a, w_0, w_m, depth): torchvision's and timm's RegNet configurations.
REGNET_CONFIGS = [
    (27.89, 48, 2.09, 16), (36.44, 24, 2.49, 13), (20.71, 48, 2.65, 27), (35.73, 56, 2.28, 16),
    (34.01, 80, 2.25, 18), (33.22, 88, 2.0, 17), (56.61, 136, 2.2, 18), (97.0, 184, 2.07, 27),
    (106.23, 200, 2.48, 18), (160.83, 320, 2.52, 20), (24.48, 24, 2.54, 22), (22.69, 24, 2.21, 16),
    (35.73, 32, 2.28, 16), (34.01, 56, 2.25, 18), (36.97, 80, 2.24, 19), (19.14, 96, 2.3, 23),
    (69.86, 200, 2.25, 23), (76.82, 232, 2.19, 19), (115.89, 168, 2.36, 19), (230.83, 232, 2.53, 20),
    (179.35, 200, 2.48, 20), (105.0, 96, 2.6, 30),
]


def cases(rng):
    out = []

    def add(code, known=True):
        out.append({"code": code.strip() + "\n", "known": known})

    for w_a, w_0, w_m, d in REGNET_CONFIGS:
        add(REGNET_TORCH + f"RESULT = widths({w_a}, {w_0}, {w_m}, {d})")
        add(REGNET_NUMPY + f"RESULT = widths({w_a}, {w_0}, {w_m}, {d})")
    # Random RegNet-like rules: the rounding must be decided or left Unknown, never guessed.
    for _ in range(40):
        w_a, w_0, w_m, d = round(rng.uniform(10, 120), 2), rng.choice([16, 24, 32, 48, 64]), round(rng.uniform(1.8, 3.0), 3), rng.randint(8, 30)
        add(REGNET_TORCH + f"RESULT = widths({w_a}, {w_0}, {w_m}, {d})", known=False)
        add(REGNET_NUMPY + f"RESULT = widths({w_a}, {w_0}, {w_m}, {d})", known=False)
    # linspace: exact on the scalar path (fewer than 16 steps), bounded past it.
    for _ in range(40):
        n = rng.randint(1, 15)
        a, b = round(rng.uniform(-2, 2), rng.randint(0, 3)), round(rng.uniform(-2, 3), rng.randint(0, 3))
        add(f"RESULT = torch.linspace({a}, {b}, {n}).tolist()", known=False)
    for n in (2, 5, 12, 15):
        # Elements where the fused and unfused multiply-add round differently are Unknown.
        add(f"RESULT = [x.item() for x in torch.linspace(0, 0.1, {n})]", known=n <= 5)
    for n in (16, 24, 48):
        add(f"RESULT = torch.linspace(0, 0.2, {n}).tolist()", known=False)
        add(f"RESULT = torch.linspace(0, 0, {n}).tolist()")
        add(f"RESULT = (torch.linspace(0, 0.3, {n}) > 0.1).int().tolist()", known=False)
    # Elementwise float32 arithmetic: scalars converted to float32 first, one rounding per op.
    for _ in range(40):
        xs = [round(rng.uniform(-50, 50), rng.randint(0, 4)) for _ in range(rng.randint(1, 6))]
        s = round(rng.uniform(-10, 10), rng.randint(0, 4)) or 1.5
        op = rng.choice(["+", "-", "*", "/"])
        add(f"RESULT = (torch.tensor({xs}) {op} {s}).tolist()")
    for _ in range(20):
        n = rng.randint(1, 8)
        add(f"RESULT = (torch.arange({n}) * {round(rng.uniform(0, 40), 2)} + {rng.randint(1, 64)}).tolist()")
    # Transcendentals: Unknown as numbers, decided once rounded.
    for fn in ("log", "exp", "log2", "sqrt"):
        add(f"t = torch.{fn}(torch.arange(1, 9) * 1.7)\nRESULT = [torch.round(t).int().tolist(), torch.floor(t).int().tolist()]")
        add(f"RESULT = torch.{fn}(torch.tensor([2.0, 3.0])).tolist()", known=(fn == "sqrt"))
    add("t = torch.arange(6)\nRESULT = [t.tolist(), (t * 2 + 1).tolist(), int(t.sum()), (t / 4).tolist(), float(t[3]), t.cumsum(0).tolist(), t.prod().item()]")
    add("t = torch.tensor([3, 1, 3, 2])\nRESULT = [torch.unique(t).tolist(), (t > 2).tolist(), (t == 3).sum().item(), t.max().item(), t.flip(0).tolist()]")
    add("t = torch.arange(4)\nt[0] = 9\nRESULT = t.tolist()")
    add("m = torch.ones(5, dtype=torch.bool)\nm[1] = False\nRESULT = [m.tolist(), torch.zeros(5, 3)[m].shape, torch.zeros(2, 5)[:, m].shape]")
    add("RESULT = [torch.Tensor([0.4488, 0.4371, 0.404]).tolist(), torch.FloatTensor([1, 2]).tolist(), torch.LongTensor([1, 2]).tolist(), torch.Tensor(2, 3).shape]")
    add("RESULT = torch.repeat_interleave(torch.tensor([1, 0, 2])).tolist()", known=False)
    add("RESULT = torch.zeros(3, 2).repeat_interleave(torch.tensor([1, 0, 2]), dim=0).shape")
    # NumPy: float64, as Python computes.
    add("RESULT = [int(np.prod((4, 4))), int(np.log2(8)), int(np.sqrt(256)), np.cumsum([1, 2, 1]).tolist(), np.linspace(1.0, 2.0, 3).tolist()]")
    add("RESULT = [np.linspace(0, 1, 7).tolist(), np.arange(0.5, 3.0, 0.5).tolist(), (np.array([16, 32]) * 2).tolist(), np.diff([0, 1, 4, 13]).tolist()]")
    add("RESULT = [np.round(np.array([0.5, 1.5, 2.5, -0.5])).tolist(), np.floor(np.array([1.7, -1.2])).astype(int).tolist(), np.unique([3, 1, 3]).tolist()]")
    add("widths = np.array([16, 32]) * 2\nws = np.arange(4) * 1.5\nRESULT = [[w for w in widths], ws.max(), ws.max() + 1, bool(np.log(2.0) > 0.5), int(np.log(20.0) / np.log(2.0)), widths[-1] * 3]")
    add("ends = np.cumsum((2, 2, 6, 2))\nRESULT = [int(ends[-1]), [int(e) for e in ends], list(range(ends[0], ends[1]))]")
    for _ in range(10):
        n = rng.randint(2, 12)
        add(f"RESULT = np.linspace({round(rng.uniform(-3, 3), 2)}, {round(rng.uniform(-3, 3), 2)}, {n}).tolist()")
    return out


def run(code):
    namespace = {"torch": torch, "np": np, "math": math}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(code, namespace)
    result = namespace["RESULT"]
    return repr(to_python(result))


def to_python(v):
    """What the analysis compares: Python's own numbers, lists and tuples (torch.Size as a tuple)."""
    if isinstance(v, torch.Size):
        return tuple(v)
    if isinstance(v, (list, tuple)):
        items = [to_python(x) for x in v]
        return items if isinstance(v, list) else tuple(items)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    return v


def main():
    rng = random.Random(SEED)
    all_cases = cases(rng)
    for case in all_cases:
        case["result"] = run(case["code"])
    text = json.dumps({"generator": f"scripts/golden/small_values.py with torch {torch.__version__}, numpy {np.__version__}",
                       "seed": SEED, "cases": all_cases}, indent=1) + "\n"
    with open(OUT, "w") as f:
        f.write(text)
    print(f"small_values.json: {len(all_cases)} cases")


if __name__ == "__main__":
    main()
