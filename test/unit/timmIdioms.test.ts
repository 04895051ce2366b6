// Python idioms that timm-style libraries lean on, each a minimal reproduction. Expected values are
// what /usr/bin/python3 (CPython 3.11, torch 1.13) prints for the same code.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evalPython } from './timmIdiomsSupport';

test('@contextmanager: with gives the first yielded value, the body runs at the yield, the finally after it', () => {
  const text = `
from contextlib import contextmanager
_STATE = {'depth': 0}
LOG = []
@contextmanager
def deeper(n):
    prev = _STATE['depth']
    _STATE['depth'] = prev + n
    LOG.append('enter')
    try:
        yield _STATE['depth'] * 10
    finally:
        _STATE['depth'] = prev
        LOG.append('exit')
class Holder:
    def __init__(self):
        self.frozen = False
    @contextmanager
    def freeze(self):
        self.frozen = True
        yield self
        self.frozen = False
def inside():
    with deeper(2) as a, deeper(3) as b:
        seen = _STATE['depth']
        return (a, b, seen)
h = Holder()
with h.freeze() as hh:
    during = (hh is h, h.frozen)
RESULT = [inside(), _STATE['depth'], LOG, during, h.frozen]
`;
  // /usr/bin/python3: print(RESULT)
  assert.equal(evalPython(text).result, "[(20, 50, 5), 0, ['enter', 'enter', 'exit', 'exit'], (True, True), False]");
});

test('fnmatch: fnmatch, fnmatchcase, filter with *, ?, [seq], [!seq]', () => {
  const text = `
import fnmatch
names = ['resnet50', 'resnet101', 'vit_base_patch16_224', 'efficientnet_b0', 'rexnet_100']
RESULT = [fnmatch.fnmatch('resnet50', 'resnet*'), fnmatch.fnmatchcase('resnet50', 'res?et5[0-9]'),
          fnmatch.filter(names, 'res*'), fnmatch.filter(names, '*_b[!1-9]'), fnmatch.fnmatch('a.b', 'a?b'),
          fnmatch.fnmatch('vit_base', '*vit*'), fnmatch.fnmatch('x[1]', 'x[[]1]')]
`;
  // /usr/bin/python3: print(RESULT)
  assert.equal(evalPython(text).result, "[True, True, ['resnet50', 'resnet101'], ['efficientnet_b0'], True, True, True]");
});

test('str-mixed enums, deque, sys.modules, os.path, urlsplit, dir(), string, autograd.Function.apply, meshgrid, integer tensor indices, BatchNorm buffers', () => {
  const text = `
import sys, os, string
from enum import Enum
from collections import deque
from urllib.parse import urlsplit
import torch
import torch.nn as nn
import torch.nn.functional as F
class Format(str, Enum):
    NCHW = 'NCHW'
    NHWC = 'NHWC'
def spatial(fmt):
    fmt = Format(fmt)
    return (1, 2) if fmt is Format.NHWC else (2, 3)
d = deque([''])
d.appendleft('a')
d.append('b')
class Swish(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * torch.sigmoid(x)
t = torch.zeros(169, 3)
idx = torch.zeros(49, 49, dtype=torch.long)
bn = nn.BatchNorm2d(8)
gx, gy = torch.meshgrid(torch.zeros(3), torch.zeros(5), indexing='xy')
RESULT = [spatial('NHWC'), spatial(Format.NCHW), Format.NHWC == 'NHWC', Format.NHWC.value, Format('NHWC').name,
          isinstance(Format.NCHW, str), isinstance(Format.NCHW, Format), [f.value for f in Format], Format.NHWC in ('NHWC',),
          list(d), d.popleft(), len(d), isinstance(d, deque),
          type(sys.modules[__name__]).__name__, os.path.split('a/b/c.pth'), os.path.splitext('w/x.tar.gz'), os.path.basename('/a/b'),
          os.path.join('a', 'b', 'c'), os.path.dirname('a/b/c'), os.name,
          tuple(urlsplit('hf-hub:timm/resnet50.a1_in1k')), urlsplit('resnet50').path,
          'silu' in dir(F), 'Conv2d' in dir(nn), string.digits,
          tuple(Swish.apply(torch.zeros(2, 4)).shape), tuple(t[idx.view(-1)].shape), tuple(t[idx].shape),
          tuple(bn.running_mean.shape), tuple(bn.num_batches_tracked.shape), tuple(gx.shape), tuple(gy.shape)]
`;
  // /usr/bin/python3 (torch 1.13): print(RESULT)
  assert.equal(evalPython(text).result,
    "[(1, 2), (2, 3), True, 'NHWC', 'NHWC', True, True, ['NCHW', 'NHWC'], True, ['a', '', 'b'], 'a', 2, True, 'module', ('a/b', 'c.pth'), " +
    "('w/x.tar', '.gz'), 'b', 'a/b/c', 'a/b', 'posix', ('hf-hub', '', 'timm/resnet50.a1_in1k', '', ''), 'resnet50', True, True, '0123456789', " +
    "(2, 4), (2401, 3), (49, 49, 3), (8,), (), (5, 3), (5, 3)]");
});

test('values of small tensors: RegNet widths from arange/log/round/pow/unique/max().item()/int().tolist(), linspace drop-path rates; in-place ops forget them', () => {
  const text = `
import math
import torch
def generate_regnet(width_slope, width_initial, width_mult, depth, group_size, quant=8):
    widths_cont = torch.arange(depth, dtype=torch.float32) * width_slope + width_initial
    width_exps = torch.round(torch.log(widths_cont / width_initial) / math.log(width_mult))
    widths = torch.round((width_initial * torch.pow(width_mult, width_exps)) / quant) * quant
    num_stages, max_stage = len(torch.unique(widths)), int(width_exps.max().item()) + 1
    groups = torch.tensor([group_size for _ in range(num_stages)], dtype=torch.int32)
    return widths.int().tolist(), num_stages, groups.tolist()
dpr = [x.item() for x in torch.linspace(0, 0.1, 5)]
t = torch.arange(6)
t2 = torch.arange(4)
t2.add_(1)
RESULT = [generate_regnet(36.44, 24, 2.49, 13, 8), generate_regnet(27.89, 48, 2.09, 16, 8), dpr, t.tolist(), (t * 2 + 1).tolist(), int(t.sum()),
          (t / 4).tolist(), float(t[3])]
AFTER_INPLACE = t2.tolist()
`;
  const run = evalPython(text);
  // /usr/bin/python3 (torch 1.13): print(RESULT)
  assert.equal(run.result,
    '[([24, 56, 152, 152, 152, 152, 368, 368, 368, 368, 368, 368, 368], 4, [8, 8, 8, 8]), ' +
    '([48, 104, 104, 104, 208, 208, 208, 208, 208, 208, 440, 440, 440, 440, 440, 440], 4, [8, 8, 8, 8]), ' +
    '[0.0, 0.02500000037252903, 0.05000000074505806, 0.07500000298023224, 0.10000000149011612], [0, 1, 2, 3, 4, 5], [1, 3, 5, 7, 9, 11], 15, ' +
    '[0.0, 0.25, 0.5, 0.75, 1.0, 1.25], 3.0]');
  // Python gives [1, 2, 3, 4]; after add_ the analysis no longer knows the numbers, only how many:
  // four unknown numbers, never the stale [0, 1, 2, 3].
  const after = evalPython(`${text}\nRESULT = AFTER_INPLACE\n`).value;
  assert.equal(after?.kind, 'list');
  const items = after?.kind === 'list' ? after.items : [];
  assert.equal(items.length, 4);
  assert.ok(items.every((v) => v.kind === 'unknown' && v.numeric === true), JSON.stringify(items));
});

test('functools.partial of a partial is flattened (func, args, keywords merged), as CPython does', () => {
  const text = `
import functools, types
from functools import partial
class BN:
    def __init__(self, c, eps=1e-5, act=None):
        self.c, self.eps, self.act = c, eps, act
p = partial(BN, eps=1e-3)
q = partial(p, act='relu')
r = q(8)
RESULT = [isinstance(p, functools.partial), p.func is BN, p.keywords, p.args, isinstance(q, partial), q.func is BN, q.keywords, (r.c, r.eps, r.act),
          isinstance(BN, type), isinstance(lambda x: x, types.FunctionType), isinstance(p, types.FunctionType)]
`;
  // /usr/bin/python3: print(RESULT)
  assert.equal(evalPython(text).result,
    "[True, True, {'eps': 0.001}, (), True, True, {'eps': 0.001, 'act': 'relu'}, (8, 0.001, 'relu'), True, True, False]");
});
