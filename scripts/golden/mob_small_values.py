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
]


def main():
    out = [{"code": code.strip() + "\n", "known": known, "result": small_values.run(code)} for code, known in CASES]
    with open(OUT, "w") as f:
        f.write(json.dumps({"generator": f"scripts/golden/mob_small_values.py with torch {torch.__version__}, numpy {np.__version__}", "cases": out}, indent=1) + "\n")
    print(f"mob_small_values.json: {len(out)} cases")


if __name__ == "__main__":
    main()
