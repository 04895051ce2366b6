"""More values of small tensors as model code computes sizes with them (the known-value paths of
server/src/engine/ops/smallValues.ts that small_values.py does not reach: log10 of powers of ten,
clamp/clip, .bool(), ones/zeros/full, unique with counts), and what real torch 1.13 prints.
Same format and runner as small_values.py (its `run`, imported); test/unit/mob-smallValues-golden.test.ts
runs the snippets through the analysis. `known: true`: the analysis must give the value.

    /usr/bin/python3 scripts/golden/mob_small_values.py   # writes test/golden/torch/mob_small_values.json
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import small_values  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "golden", "torch", "mob_small_values.json")

CASES = [
    ("RESULT = torch.log10(torch.tensor([1.0, 10.0, 100.0, 1000.0])).tolist()", True),
    ("RESULT = torch.log10(torch.tensor([1e22])).tolist()", False),
    ("RESULT = torch.log10(torch.tensor([2.0, 30.0])).tolist()", False),
    ("RESULT = torch.round(torch.log10(torch.tensor([2.0, 30.0, 999.0]))).int().tolist()", False),
    ("RESULT = torch.clamp(torch.tensor([-3, 0, 4, 9]), 0, 5).tolist()", True),
    ("RESULT = torch.clamp(torch.tensor([-3, 0, 4, 9]), min=1).tolist()", True),
    ("RESULT = torch.clamp(torch.tensor([-3, 0, 4, 9]), max=2).tolist()", True),
    ("RESULT = torch.tensor([-3, 0, 4, 9]).clip(-1, 3).tolist()", True),
    ("RESULT = torch.tensor([-3.5, 0.25, 4.0]).clamp(-1, 3).tolist()", True),
    ("RESULT = torch.tensor([1, 5, 7]).clamp(0.5, 6.5).tolist()", True),
    ("RESULT = torch.tensor([-2, 0, 3]).bool().tolist()", True),
    ("RESULT = torch.tensor([0.0, 0.5, -1.0]).bool().tolist()", True),
    ("RESULT = (torch.tensor([-2, 0, 3]).bool().int() * 4).tolist()", True),
    ("RESULT = torch.ones(3).tolist()", True),
    ("RESULT = torch.zeros(4).int().tolist()", True),
    ("RESULT = torch.full((3,), 7).tolist()", True),
    ("RESULT = (torch.full((2,), 2.5) * 2).tolist()", True),
    ("RESULT = torch.unique(torch.tensor([3, 1, 3, 2, 1, 3])).tolist()", True),
    ("v, c = torch.unique(torch.tensor([3, 1, 3, 2, 1, 3]), return_counts=True)\nRESULT = [v.tolist(), c.tolist()]", True),
    ("RESULT = torch.unique(torch.tensor([5])).tolist()", True),
    ("RESULT = (torch.tensor([1, 2, 3]) ** 2).tolist()", True),
    ("RESULT = torch.pow(torch.tensor([1, 2, 3]), 3).tolist()", True),
    ("RESULT = torch.tensor([7, 9]).max().item()", True),
    ("RESULT = int(torch.tensor([2, 3, 4]).prod())", True),
    # The known-value ops no snippet above reaches (scans, extrema, casts, comparisons, reshapes).
    ("RESULT = torch.cumsum(torch.tensor([1, 2, 3, 4]), 0).tolist()", True),
    ("RESULT = torch.tensor([1.5, 2.0, 3.0]).cumprod(0).tolist()", True),
    ("RESULT = torch.cumprod(torch.tensor([2, 3, 4]), dim=0).tolist()", True),
    ("RESULT = torch.tensor([0.1, 0.2, 0.3]).cumsum(0).tolist()", True),
    ("RESULT = torch.tensor([4, 1, 7]).min().item()", True),
    ("RESULT = torch.max(torch.tensor([4.0, 1.0, 7.5])).item()", True),
    ("RESULT = torch.maximum(torch.tensor([1, 5, 3]), torch.tensor([4, 2, 3])).tolist()", True),
    ("RESULT = torch.minimum(torch.tensor([1.0, 5.0]), torch.tensor([4.0, 2.0])).tolist()", True),
    ("RESULT = torch.floor_divide(torch.tensor([7, -7, 9]), 2).tolist()", True),
    ("RESULT = (torch.tensor([7, 8, 9]) // 4).tolist()", True),
    ("RESULT = (torch.tensor([7.5, -1.5]) // 2).tolist()", True),
    ("RESULT = (torch.tensor([5, 6, 7]) - 2).tolist()", True),
    ("RESULT = torch.sub(torch.tensor([5.0, 6.0]), torch.tensor([0.5, 0.25])).tolist()", True),
    ("RESULT = (10 - torch.tensor([1, 2, 3])).tolist()", True),
    ("RESULT = torch.add(torch.tensor([1, 2]), torch.tensor([3, 4])).tolist()", True),
    ("RESULT = torch.mul(torch.tensor([1.5, 2.0]), 3).tolist()", True),
    ("RESULT = torch.div(torch.tensor([1, 2, 3]), 2).tolist()", True),
    ("RESULT = (torch.tensor([1, 2, 3]) / 3).tolist()", True),
    ("RESULT = (torch.tensor([1.0, 2.0, 3.0]) / 3).tolist()", True),
    ("RESULT = (torch.tensor([1, 5, 3]) > 2).tolist()", True),
    ("RESULT = (torch.tensor([1, 5, 3]) >= 3).tolist()", True),
    ("RESULT = (torch.tensor([1, 5, 3]) < 3).tolist()", True),
    ("RESULT = (torch.tensor([1, 5, 3]) <= 3).tolist()", True),
    ("RESULT = (torch.tensor([1, 5, 3]) == 5).tolist()", True),
    ("RESULT = (torch.tensor([1, 5, 3]) != 5).tolist()", True),
    ("RESULT = torch.eq(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 3.0])).tolist()", True),
    ("RESULT = torch.tensor([1.7, -2.2]).long().tolist()", True),
    ("RESULT = torch.tensor([1.7, -2.2]).double().tolist()", True),
    ("RESULT = torch.tensor([1, 2]).float().tolist()", True),
    ("RESULT = torch.tensor([0.1, 0.2]).double().tolist()", True),
    ("RESULT = torch.tensor([1.7, 300.9]).short().tolist()", True),
    ("RESULT = torch.flip(torch.tensor([1, 2, 3]), [0]).tolist()", True),
    ("RESULT = torch.tensor([3, 4]).clone().detach().tolist()", True),
    ("RESULT = torch.as_tensor([1.5, 2.5]).tolist()", True),
    ("RESULT = torch.diff(torch.tensor([1, 4, 9, 16])).tolist()", True),
    ("RESULT = torch.exp(torch.tensor([0.0])).tolist()", True),
    ("RESULT = torch.exp(torch.tensor([1.0, 2.0])).tolist()", False),
    ("RESULT = torch.log(torch.tensor([1.0])).tolist()", True),
    ("RESULT = torch.tensor([2, 3, 4]).sum().item()", True),
    ("RESULT = torch.tensor([0.5, 0.25, 0.125]).sum().item()", True),
    ("RESULT = torch.tensor([2.0, 3.0]).prod().item()", True),
    ("RESULT = torch.full((2,), 3.5).int().tolist()", True),
    ("RESULT = torch.ones(2, dtype=torch.long).tolist()", True),
    ("RESULT = torch.zeros(3, dtype=torch.bool).tolist()", True),
    ("RESULT = torch.arange(5).tolist()", True),
    ("RESULT = torch.arange(1, 10, 3).tolist()", True),
    ("RESULT = torch.arange(0.0, 1.0, 0.25).tolist()", True),
    ("RESULT = torch.linspace(0, 1, 5).tolist()", True),
    ("RESULT = torch.tensor(3).item()", True),
    ("RESULT = torch.tensor([True, False]).int().tolist()", True),
    ("RESULT = np.cumsum(np.array([1, 2, 3])).tolist()", True),
    ("RESULT = (np.array([1, 2, 3]) * 1.5).tolist()", True),
    ("RESULT = (np.array([7, 8]) // 3).tolist()", True),
    ("RESULT = torch.sqrt(torch.tensor([4.0, 2.0, 9.0])).tolist()", True),
    ("RESULT = torch.tensor([16, 2]).sqrt().tolist()", True),
    ("RESULT = torch.log2(torch.tensor([1.0, 8.0, 1024.0])).tolist()", True),
    ("RESULT = torch.log2(torch.tensor([3.0])).tolist()", False),
    ("RESULT = torch.floor(torch.tensor([1.5, -1.5, 2.0])).tolist()", True),
    ("RESULT = torch.ceil(torch.tensor([1.2, -1.2])).tolist()", True),
    ("RESULT = torch.trunc(torch.tensor([1.7, -1.7])).tolist()", True),
    ("RESULT = torch.fix(torch.tensor([2.9, -2.9])).tolist()", True),
    ("RESULT = torch.round(torch.tensor([0.5, 1.5, 2.5, -0.5])).tolist()", True),
    ("RESULT = torch.sign(torch.tensor([-3.0, 0.0, 2.5])).tolist()", True),
    ("RESULT = torch.neg(torch.tensor([1, -2])).tolist()", True),
    ("RESULT = (-torch.tensor([1.5, -2.0])).tolist()", True),
    ("RESULT = torch.negative(torch.tensor([3])).tolist()", True),
    ("RESULT = torch.tensor([1.5, 2.5]).to(torch.int64).tolist()", True),
    ("RESULT = torch.tensor([1, 2]).to(torch.float64).tolist()", True),
    ("RESULT = torch.tensor([0.1]).to(dtype=torch.float64).tolist()", True),
    ("RESULT = torch.tensor([1, 2]).new_tensor([5, 6]).tolist()", True),
    ("RESULT = torch.pow(torch.tensor([4.0, 9.0]), 0.5).tolist()", False),
    ("RESULT = torch.pow(torch.tensor([2.0, 3.0]), 2).tolist()", True),
    ("RESULT = torch.pow(torch.tensor([2, 3]), torch.tensor([3, 2])).tolist()", True),
    ("RESULT = torch.pow(2, torch.tensor([1, 2, 3])).tolist()", True),
    ("RESULT = (torch.tensor([2.0]) ** 10).tolist()", True),
    ("RESULT = (torch.tensor([1.1]) ** 3).tolist()", False),
    ("RESULT = torch.tensor([1.0, 2.0], dtype=torch.float64).div(3).tolist()", True),
    ("RESULT = (torch.tensor([1, 2], dtype=torch.float64) * 0.1).tolist()", True),
    ("RESULT = torch.arange(5, 0, -2).tolist()", True),
    ("RESULT = torch.arange(0, 1, 0.3, dtype=torch.float64).tolist()", True),
    ("RESULT = torch.linspace(0, 10, 3, dtype=torch.float64).tolist()", False),
    ("RESULT = torch.linspace(2, 2, 1).tolist()", True),
    ("RESULT = torch.tensor([5, 3, 8]).flip(0).tolist()", True),
    ("RESULT = torch.tensor([5, 3, 8]).diff().tolist()", True),
    ("RESULT = torch.tensor([5, 3, 8]).bool().tolist()", True),
    ("RESULT = torch.tensor([1, 2, 3]).sum(dtype=torch.float64).item()", True),
    ("RESULT = torch.tensor([1.5, 2.5]).cumsum(0, dtype=torch.float64).tolist()", True),
    ("RESULT = np.sqrt(np.array([4.0, 2.0])).tolist()", True),
    ("RESULT = np.power(np.array([2, 3]), 2).tolist()", True),
    ("RESULT = np.floor(np.array([1.5, -1.5])).tolist()", True),
    ("RESULT = np.ceil(np.array([1.5, -1.5])).tolist()", True),
    ("RESULT = np.round(np.array([0.5, 1.5, 2.5])).tolist()", True),
    ("RESULT = np.divide(np.array([1, 2]), 3).tolist()", True),
    ("RESULT = (np.array([1, 2]) / 3).tolist()", True),
    ("RESULT = np.log2(np.array([8.0])).tolist()", True),
    ("RESULT = (np.array([0.1, 0.2]) + 0.1).tolist()", True),
    ("RESULT = np.arange(3, dtype=np.float64).tolist()", True),
    # dtype conversions inside .to() and reductions' dtype= (were the input's values unchanged).
    ("RESULT = torch.tensor([1.7, -2.5]).to('cpu', torch.int32).tolist()", True),
    ("RESULT = torch.tensor([0.1, 0.2]).to(torch.float64).tolist()", True),
    ("RESULT = torch.tensor([0.1, 0.2], dtype=torch.float64).to(torch.float32).tolist()", True),
    ("RESULT = torch.tensor([1, 2]).to('cpu').tolist()", True),
    ("RESULT = torch.tensor([0.1, 0.2]).cumsum(0, dtype=torch.float64).tolist()", True),
    ("RESULT = torch.tensor([1.5, 2.7]).sum(dtype=torch.int64).item()", True),
    ("RESULT = torch.tensor([2, 3]).prod(dtype=torch.float32).item()", True),
]


def main():
    out = [{"code": code.strip() + "\n", "known": known, "result": small_values.run(code)} for code, known in CASES]
    with open(OUT, "w") as f:
        f.write(json.dumps({"generator": f"scripts/golden/mob_small_values.py with torch {torch.__version__}, numpy {np.__version__}", "cases": out}, indent=1) + "\n")
    print(f"mob_small_values.json: {len(out)} cases")


if __name__ == "__main__":
    main()
