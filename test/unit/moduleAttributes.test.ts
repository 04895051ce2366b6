// Modules as objects whose forward reads their attributes at call time, torch's private base
// classes, buffers, training mode, and rows for modules forward never calls. Expected values were
// printed by real PyTorch 1.13 (Debian's /usr/bin/python3) running the same code, as each test
// says; the style goldens (test/golden/torch/style_pymod_*) cover the same constructs in whole
// models. What the analysis cannot follow must warn on the line of the write and mark the model
// incomplete.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFile } from '../../server/src/engine/analyze';
import type { AnalyzeOptions, FileReport } from '../../server/src/engine/report';

function analyze(text: string, extra: Partial<AnalyzeOptions> = {}): FileReport {
  return analyzeFile({ file: '/proj/model.py', text, readFile: (p) => (p === '/proj/model.py' ? text : null), ...extra });
}

const HEADER = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n';
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

test('a write forward reads but ConvLens cannot follow warns on its line and leaves the model incomplete', () => {
  const text = `${HEADER}
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = nn.InstanceNorm2d(8, affine=True)
        self.norm.num_features = 4
    def forward(self, x):
        return self.norm(x)
`;
  const r = analyze(text, { model: 'Net()', inputs: [[1, 8, 4, 4]] });
  const m = r.models[0]!;
  assert.equal(m.incomplete, true);
  assert.deepEqual(m.outputs, []);
  const w = r.diagnostics.find((d) => d.severity === 'warning' && /num_features is assigned after the layer was built/.test(d.message));
  assert.ok(w, JSON.stringify(r.diagnostics));
  assert.equal(w.line, lineOf(text, 'self.norm.num_features = 4'));
});

test('a norm parameter replaced by one of another shape warns on the write (torch: "weight should contain 8 elements not 4")', () => {
  const text = `${HEADER}
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.bn = nn.BatchNorm2d(8)
        self.bn.weight = nn.Parameter(torch.ones(4))
    def forward(self, x):
        return self.bn(x)
`;
  const r = analyze(text, { model: 'Net()', inputs: [[1, 8, 4, 4]] });
  assert.equal(r.models[0]!.incomplete, true);
  const w = r.diagnostics.find((d) => d.severity === 'warning' && /weight is replaced by a parameter of another shape/.test(d.message));
  assert.ok(w, JSON.stringify(r.diagnostics));
  assert.equal(w.line, lineOf(text, 'self.bn.weight = nn.Parameter'));
});

test('groups assigned after construction is checked against the weight, with F.conv2d\'s message', () => {
  // torch: "Given groups=3, expected weight to be divisible by 3 at dimension 0, but got weight
  // of size [[16, 16, 1, 1]] instead".
  const text = `${HEADER}
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.pw = nn.Conv2d(16, 16, 1)
        self.pw.groups = 3
    def forward(self, x):
        return self.pw(x)
`;
  const r = analyze(text, { model: 'Net()', inputs: [[1, 48, 4, 4]] });
  assert.equal(r.models[0]!.incomplete, true);
  assert.ok(r.diagnostics.some((d) => d.severity === 'error' && d.message.includes('Given groups=3, expected weight to be divisible by 3 at dimension 0, but got weight of size [[16, 16, 1, 1]] instead')), JSON.stringify(r.diagnostics));
});

test('a replaced weight decides the convolution; training is True in __init__, eval() returns the module', () => {
  // torch 1.13: self.training True while __init__ runs (so `extra` is built), eval() returns the
  // module and forward then skips `extra`; the 4-channel weight takes a 4-channel input:
  // output [1, 5, 8, 8], 371 parameters (conv1 8·4·9 + 8 = 296, head 40 + 5, extra 30).
  const text = `${HEADER}
class Surgery(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        w = self.conv1.weight
        self.conv1.weight = nn.Parameter(torch.cat([w, w[:, :1]], dim=1))
        self.conv1.in_channels = 4
        self.head = nn.Conv2d(8, 5, 1, bias=False)
        self.head.bias = nn.Parameter(torch.zeros(5))
        if self.training:
            self.extra = nn.Conv2d(5, 5, 1)
    def forward(self, x):
        x = self.head(self.conv1(x))
        if self.training:
            x = self.extra(x)
        return x

def build():
    m = Surgery()
    assert m.eval() is m and not m.head.training
    assert m.train() is m and m.head.training
    return m
`;
  const r = analyze(text, { model: 'build()', inputs: [[1, 4, 16, 16]] });
  const m = r.models[0]!;
  assert.equal(m.incomplete, false, JSON.stringify(r.diagnostics));
  assert.deepEqual(m.outputs, [[1, 5, 8, 8]]);
  assert.equal(m.params, 371);
  assert.deepEqual(m.layers.map((l) => [l.path, l.params, l.notCalled ?? false]), [['conv1', 296, false], ['head', 45, false], ['extra', 30, true]]);
  // MACs from the weight: 8·8·8 outputs × 4·9 = 18432, then 5·64 × 8 = 2560.
  assert.equal(m.macs, 18432 + 2560);
});

test('private bases: a _BatchNorm subclass runs _BatchNorm.forward after its own _check_input_dim; public layers derive from them', () => {
  // torch: ValueError "expected 4D input (got 3D input)"; isinstance(nn.BatchNorm2d(3), _BatchNorm)
  // and isinstance(nn.Conv2d(1, 1, 1), nn.modules.conv._ConvNd) are True.
  const text = `${HEADER}from torch.nn.modules.batchnorm import _BatchNorm

class BN(_BatchNorm):
    def _check_input_dim(self, input):
        if input.dim() != 4:
            raise ValueError('expected 4D input (got {}D input)'.format(input.dim()))

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        assert isinstance(nn.BatchNorm2d(3), _BatchNorm) and isinstance(nn.Conv2d(1, 1, 1), nn.modules.conv._ConvNd)
        self.bn = BN(6)
    def forward(self, x):
        return self.bn(x)
`;
  const ok = analyze(text, { model: 'Net()', inputs: [[2, 6, 3, 3]] });
  assert.equal(ok.models[0]!.incomplete, false, JSON.stringify(ok.diagnostics));
  assert.deepEqual(ok.models[0]!.layers.map((l) => [l.op, l.out, l.params]), [['BN', [[2, 6, 3, 3]], 12]]);
  const bad = analyze(text, { model: 'Net()', inputs: [[2, 6, 3]] });
  assert.equal(bad.models[0]!.incomplete, true);
  assert.ok(bad.diagnostics.some((d) => d.severity === 'error' && d.message === 'ValueError: expected 4D input (got 3D input)'), JSON.stringify(bad.diagnostics));
});

test('buffers: persistent=False ones are in named_buffers() but not state_dict(); buffers are not parameters', () => {
  // torch: named_buffers() has 5 entries (a, b, bn's three), state_dict() then 6 (a, bn.weight,
  // bn.bias and bn's three buffers): Linear(5, 6), 36 + 4 parameters.
  const text = `${HEADER}
class Buf(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer('a', torch.zeros(3))
        self.register_buffer('b', torch.zeros(4), persistent=False)
        self.bn = nn.BatchNorm2d(2)
        self.fc = nn.Linear(len(list(self.named_buffers())), len(self.state_dict()))
    def forward(self, x):
        return self.fc(x)
`;
  const m = analyze(text, { model: 'Buf()', inputs: [[1, 5]] }).models[0]!;
  assert.deepEqual(m.outputs, [[1, 6]]);
  assert.equal(m.params, 40);
});

test('an autograd.Function runs its forward through apply; ctx calls do nothing', () => {
  const text = `${HEADER}
class Scale(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, k):
        ctx.k = k
        ctx.save_for_backward(x)
        ctx.mark_non_differentiable()
        return x.repeat(1, k, 1, 1)

    @staticmethod
    def backward(ctx, g):
        return g, None

class Net(nn.Module):
    def forward(self, x):
        return Scale.apply(x, 3)
`;
  const m = analyze(text, { model: 'Net()', inputs: [[1, 2, 4, 4]] }).models[0]!;
  assert.equal(m.incomplete, false);
  assert.deepEqual(m.outputs, [[1, 6, 4, 4]]);
});

test('a module that is never called is a notCalled row only when forward ran to its end', () => {
  const text = `${HEADER}
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.used = nn.Conv2d(3, 4, 1)
        self.head = nn.Sequential(nn.Linear(7, 3), nn.ReLU())
    def forward(self, x):
        return self.used(x)
`;
  const done = analyze(text, { model: 'Net()', inputs: [[1, 3, 8, 8]] }).models[0]!;
  assert.equal(done.incomplete, false);
  assert.deepEqual(done.layers.map((l) => [l.path, l.op, l.params, l.notCalled ?? false]), [
    ['used', 'Conv2d', 16, false], ['head.0', 'Linear', 24, true], ['head.1', 'ReLU', 0, true],
  ]);
  const failed = analyze(text, { model: 'Net()', inputs: [[1, 5, 8, 8]] }).models[0]!;
  assert.equal(failed.incomplete, true);
  assert.ok(failed.layers.every((l) => !l.notCalled));
});

test('weight.data assigned: the same shape changes nothing, another shape is not followed (model incomplete)', () => {
  // torch allows both; the second makes the weight [3, 1, 1, 1], which a shape cannot follow.
  const model = (data: string) => `${HEADER}
class MeanShift(nn.Conv2d):
    def __init__(self, sign=-1):
        super(MeanShift, self).__init__(3, 3, kernel_size=1)
        self.weight.data = ${data}
        self.bias.data = sign * torch.ones(3)
        for p in self.parameters():
            p.requires_grad = False
`;
  const same = analyze(model('torch.eye(3).view(3, 3, 1, 1)'), { model: 'MeanShift()', inputs: [[1, 3, 8, 8]] }).models[0]!;
  assert.equal(same.incomplete, false);
  assert.equal(same.params, 12);
  const other = analyze(model('torch.ones(3, 1, 1, 1)'), { model: 'MeanShift()', inputs: [[1, 3, 8, 8]] });
  assert.equal(other.models[0]!.incomplete, true);
  assert.ok(other.diagnostics.some((d) => d.severity === 'warning' && /assigning \.data of shape \[3, 1, 1, 1\]/.test(d.message) && d.line === 8), JSON.stringify(other.diagnostics));
});
