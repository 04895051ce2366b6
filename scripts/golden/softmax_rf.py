"""Softmax-like calls and what real autograd says each output position reads along the two spatial
axes of a (2, 3, 9, 11) input: the extent of the nonzero gradient of one interior output position
(the centre) along H and along W. A normalised spatial axis reads all of it (9 or 11); any other
axis reads only the position itself (1). The oracle for the geometry ConvLens keeps after
softmax/log_softmax/softmin (server/src/engine/ops/activation.ts). Read by
test/unit/softmaxGeometry.test.ts. Deterministic.

    /usr/bin/python3 scripts/golden/softmax_rf.py   # writes test/golden/torch/softmax_rf.json
"""
import json
import os
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'golden', 'torch', 'softmax_rf.json')
SHAPE = [2, 3, 9, 11]
CASES = [
    'F.softmax(T, dim=0)', 'F.softmax(T, dim=1)', 'F.softmax(T, dim=2)', 'F.softmax(T, dim=3)', 'F.softmax(T, dim=-1)',
    'F.softmax(T, -2)', 'F.softmax(T)', 'F.log_softmax(T, dim=3)', 'F.log_softmax(T, 1)', 'F.softmin(T, 2)',
    'torch.softmax(T, 3)', 'torch.log_softmax(T, -2)', 'T.softmax(2)', 'T.log_softmax(-1)',
    'nn.Softmax(dim=2)(T)', 'nn.Softmax(dim=1)(T)', 'nn.Softmax()(T)', 'nn.LogSoftmax(dim=3)(T)', 'nn.Softmin(dim=-1)(T)',
    'nn.Softmax2d()(T)', 'F.gumbel_softmax(T, dim=2)',
]


def extents(expr):
    x = (torch.rand(*SHAPE, generator=torch.Generator().manual_seed(3)) + 0.5).requires_grad_(True)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # softmax without dim
        torch.manual_seed(0)
        y = eval(expr.replace('T', 'x'), {'torch': torch, 'nn': nn, 'F': F, 'x': x})
    g, = torch.autograd.grad(y[0, 0, SHAPE[2] // 2, SHAPE[3] // 2], x)
    reads = g.abs().sum(dim=(0, 1)) > 0
    rows = reads.any(dim=1).nonzero().flatten()
    cols = reads.any(dim=0).nonzero().flatten()
    return [int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1)]


def main():
    cases = [{'expr': e, 'input': SHAPE, 'extent': extents(e)} for e in CASES]
    with open(OUT, 'w') as f:
        json.dump({'generator': f'scripts/golden/softmax_rf.py, torch {torch.__version__}', 'cases': cases}, f, indent=0)
        f.write('\n')


if __name__ == '__main__':
    main()
