// The engine on small files written the way users write models: which models and inputs it
// picks, the Python it follows, imports between files, half-typed code and the bounds on work.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFile } from '../../server/src/engine/analyze';
import type { AnalyzeOptions, FileReport } from '../../server/src/engine/report';

function analyze(text: string, extra: Partial<AnalyzeOptions> & { files?: Record<string, string> } = {}): FileReport {
  const files = { '/proj/model.py': text, ...(extra.files ?? {}) };
  return analyzeFile({ file: '/proj/model.py', text, readFile: (p) => files[p as keyof typeof files] ?? null, ...extra });
}

const HEADER = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n';

test('every no-argument module class not used by another is a model; inputs inferred from the first layer', () => {
  const r = analyze(`${HEADER}
class Block(nn.Module):
    def __init__(self, c=8):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)
    def forward(self, x):
        return F.relu(self.conv(x))

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.blocks = nn.Sequential(*[Block() for _ in range(2)])
        self.head = nn.Linear(8, 10)
    def forward(self, x):
        x = self.blocks(self.stem(x))
        return self.head(x.mean(dim=(2, 3)))

class Needs(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.fc = nn.Linear(width, 2)
`, { defaultImageSize: 64 });
  assert.deepEqual(r.models.map((m) => m.name), ['Net()'], 'Block is used by Net; Needs needs arguments');
  const net = r.models[0]!;
  assert.equal(net.inputSource, 'inferred');
  assert.deepEqual(net.inputs, [[1, 3, 64, 64]]);
  assert.deepEqual(net.outputs, [[1, 10]]);
  assert.deepEqual(net.layers.filter((l) => l.kind === 'module').map((l) => l.path), ['stem', 'blocks.0.conv', 'blocks.1.conv', 'head']);
  assert.equal(net.params, 3 * 8 * 9 + 8 + 2 * (8 * 8 * 9 + 8) + 8 * 10 + 10);
  // rf: 3 (stem) then +2·2 per 3x3 block conv at jump 2.
  assert.deepEqual(net.layers.find((l) => l.path === 'blocks.1.conv')!.rf, [11, 11]);
});

test('directive comment above a class beats inference; a file-wide directive applies to the others', () => {
  const r = analyze(`${HEADER}
# convlens: input=(2, 5, 40, 30)
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(5, 4, 3)
    def forward(self, x):
        return self.c(x)

class B(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(5, 4, 1)
    def forward(self, x):
        return self.c(x)

# convlens: input=1x5x10x10
`);
  const byName = Object.fromEntries(r.models.map((m) => [m.name, m]));
  assert.deepEqual(byName['A()']!.inputs, [[2, 5, 40, 30]]);
  assert.deepEqual(byName['A()']!.outputs, [[2, 4, 38, 28]]);
  assert.deepEqual(byName['B()']!.inputs, [[1, 5, 10, 10]]);
  assert.equal(byName['B()']!.inputSource, 'directive');
});

test('models built and called in __main__ use the tensors made there', () => {
  const r = analyze(`${HEADER}
class Gen(nn.Module):
    def __init__(self, nz):
        super().__init__()
        self.up = nn.ConvTranspose2d(nz, 16, 4, 1, 0)
    def forward(self, z):
        return self.up(z)

if __name__ == "__main__":
    g = Gen(64)
    z = torch.randn(8, 64, 1, 1)
    print(g(z).shape)
`);
  assert.equal(r.models.length, 1);
  assert.equal(r.models[0]!.inputSource, 'main');
  assert.deepEqual(r.models[0]!.inputs, [[8, 64, 1, 1]]);
  assert.deepEqual(r.models[0]!.outputs, [[8, 16, 4, 4]]);
});

test('--model evaluates a call in the file namespace; a bad expression is one clear error', () => {
  const text = `${HEADER}
def make(width=4, *, depth=2, **kw):
    layers = []
    for i in range(depth):
        layers += [nn.Conv2d(3 if i == 0 else width, width, 3, padding=1), nn.ReLU()]
    return nn.Sequential(*layers)
`;
  const ok = analyze(text, { model: 'make(8, depth=3)', inputs: [[1, 3, 16, 16]] });
  assert.equal(ok.models[0]!.layers.filter((l) => l.op === 'Conv2d').length, 3);
  assert.deepEqual(ok.models[0]!.outputs, [[1, 8, 16, 16]]);
  const bad = analyze(text, { model: 'nothere()', inputs: [[1, 3, 16, 16]] });
  assert.equal(bad.models.length, 0);
  const err = bad.diagnostics.find((d) => d.severity === 'error')!;
  assert.equal(err.code, 'invalid-argument');
  assert.match(err.message, /nothere\(\).*NameError: name 'nothere' is not defined/);
});

test('imports of neighbouring files, relative and absolute, with class attributes and helpers', () => {
  const blocks = `import torch.nn as nn
def conv3x3(cin, cout, stride=1):
    return nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
class Basic(nn.Module):
    expansion = 2
    def __init__(self, cin, planes):
        super().__init__()
        self.conv = conv3x3(cin, planes * self.expansion)
    def forward(self, x):
        return self.conv(x)
`;
  const main = `import torch.nn as nn
from .blocks import Basic
from pkg import blocks as b2

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = Basic(3, 4)
        self.b = b2.Basic(8, 4)
    def forward(self, x):
        return self.b(self.a(x))
`;
  const r = analyzeFile({
    file: '/proj/pkg/net.py', text: main, inputs: [[1, 3, 8, 8]],
    readFile: (p) => ({ '/proj/pkg/blocks.py': blocks, '/proj/pkg/__init__.py': '', '/proj/pkg/net.py': main } as Record<string, string>)[p] ?? null,
  });
  assert.equal(r.models.length, 1);
  assert.deepEqual(r.models[0]!.outputs, [[1, 8, 8, 8]]);
  const conv = r.models[0]!.layers[0]!;
  assert.equal(conv.defined[0]!.file, '/proj/pkg/blocks.py', 'defined inside the helper');
  assert.equal(conv.defined[0]!.line, 3);
  assert.equal(conv.defined[1]!.line, 8, 'then where the helper was called');
});

test('channel mismatch and torch.cat of unequal sizes are errors that name the shapes', () => {
  const r = analyze(`${HEADER}
class Bad(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 16, 3, padding=1)
        self.b = nn.Conv2d(32, 8, 3, padding=1)
        self.down = nn.MaxPool2d(2)
    def forward(self, x):
        y = self.a(x)
        z = self.b(y)
        return torch.cat([y, self.down(y)], dim=1)
`, { inputs: [[1, 3, 32, 32]] });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  const channel = errors.find((d) => d.code === 'channel-mismatch')!;
  assert.ok(channel, JSON.stringify(errors));
  assert.match(channel.message, /32/);
  assert.match(channel.message, /16/);
  assert.equal(channel.line, 13, "the call `z = self.b(y)`");
  const cat = errors.find((d) => d.code === 'shape-mismatch')!;
  assert.match(cat.message, /32/);
  assert.match(cat.message, /16/);
  assert.equal(r.models[0]!.incomplete, true);
});

test('half-typed code: the layers the parser still sees keep their shapes', () => {
  const r = analyze(`${HEADER}
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1)
        self.extra = nn.Conv2d(3, 64, kernel_size=
        self.conv2 = nn.Conv2d(16, 32, 3, stride=2, padding=1)
    def forward(self, x):
        return self.conv2(self.conv1(x))
`, { inputs: [[1, 3, 32, 32]] });
  assert.equal(r.models.length, 1);
  const layers = r.models[0]!.layers;
  assert.deepEqual(layers.find((l) => l.path === 'conv1')?.out, [[1, 16, 32, 32]]);
  assert.deepEqual(layers.find((l) => l.path === 'conv2')?.out, [[1, 32, 16, 16]]);
});

test('endless loops, deep recursion and huge ranges end with a reason, never a hang', () => {
  for (const body of ['while True:\n            pass', 'for i in range(10**9):\n            n = i', 'self.f(1)']) {
    // CPU time, not wall-clock: the bound must not depend on the machine's load.
    const t0 = process.cpuUsage();
    const r = analyze(`${HEADER}
class Net(nn.Module):
    def f(self, n):
        return self.f(n + 1)
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(3, 3, 1)
    def forward(self, x):
        ${body}
        return self.c(x)
`, { inputs: [[1, 3, 8, 8]] });
    const cpu = process.cpuUsage(t0);
    assert.ok((cpu.user + cpu.system) / 1000 < 5000, `${body}: ${(cpu.user + cpu.system) / 1000} ms of CPU`);
    // The step budget, the recursion limit or (on a loaded machine) the clock ends it.
    const d = r.diagnostics.find((x) => x.code === 'unknown' && /steps|recursion|stopped after \d+ ms/.test(x.message));
    assert.ok(d, `${body}: ${JSON.stringify(r.diagnostics)}`);
    assert.equal(r.models[0]!.incomplete, true);
  }
});

test('Python features model code uses: comprehensions, f-strings, % formatting, dict iteration, ModuleDict, super chains', () => {
  const r = analyze(`${HEADER}
from collections import OrderedDict
from functools import partial

class Base(nn.Module):
    def __init__(self, c):
        super(Base, self).__init__()
        self.c = c

class Dense(nn.ModuleDict):
    def __init__(self, n=3, growth=4, c=8):
        super().__init__()
        for i in range(n):
            self.add_module("denselayer%d" % (i + 1), nn.Conv2d(c + i * growth, growth, 3, padding=1))
    def forward(self, x):
        feats = [x]
        for name, layer in self.items():
            feats.append(layer(torch.cat(feats, 1)))
        return torch.cat(feats, 1)

class Net(Base):
    def __init__(self):
        super().__init__(8)
        norm = partial(nn.BatchNorm2d, eps=1e-3)
        self.stem = nn.Sequential(OrderedDict([(f"conv{i}", nn.Conv2d(3 if i == 0 else self.c, self.c, 3, padding=1)) for i in range(2)] + [("bn", norm(self.c))]))
        self.dense = Dense()
        self.heads = nn.ModuleDict({k: nn.Conv2d(20, v, 1) for k, v in {"seg": 21, "depth": 1}.items()})
    def forward(self, x):
        x = self.dense(self.stem(x))
        return {k: h(x) for k, h in self.heads.items()}
`, { inputs: [[1, 3, 16, 16]] });
  const m = r.models[0]!;
  assert.deepEqual(m.outputs, [[1, 21, 16, 16], [1, 1, 16, 16]]);
  assert.deepEqual(m.layers.filter((l) => l.kind === 'module').map((l) => l.path),
    ['stem.conv0', 'stem.conv1', 'stem.bn', 'dense.denselayer1', 'dense.denselayer2', 'dense.denselayer3', 'heads.seg', 'heads.depth']);
  assert.deepEqual(m.layers.find((l) => l.path === 'dense.denselayer3')!.in, [[1, 16, 16, 16]]);
});

test('files that build models through functions: argument-free factories stand in, as few as cover the classes', () => {
  const text = `${HEADER}
class A(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(3, c, 3)
    def forward(self, x):
        return self.conv(x)
class B(A):
    pass
def small(**kw):
    return A(4)
def wide(**kw):
    return A(8)
def other():
    return B(2)
def needs(c):
    return A(c)
`;
  const r = analyze(text, { inputs: [[1, 3, 10, 10]] });
  assert.deepEqual(r.models.map((m) => m.name), ['small()', 'other()'], 'wide() adds no class; needs() needs an argument');
  assert.deepEqual(r.models.map((m) => m.outputs), [[[1, 4, 8, 8]], [[1, 2, 8, 8]]]);
});

test('# convlens: model=... picks the models, with their own inputs, and reports a bad one at its line', () => {
  const text = `${HEADER}
class A(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(3, c, 3, stride=2)
    def forward(self, x):
        return self.conv(x)

# convlens: model=A(16) input=(2, 3, 33, 33)
# convlens: model=A(c=4)
# convlens: model=B(1)
# convlens: input=1x3x9x9
`;
  const r = analyze(text);
  assert.deepEqual(r.models.map((m) => [m.name, m.inputs, m.outputs]), [
    ['A(16)', [[2, 3, 33, 33]], [[2, 16, 16, 16]]],
    ['A(c=4)', [[1, 3, 9, 9]], [[1, 4, 4, 4]]],
  ]);
  const bad = r.diagnostics.find((d) => d.code === 'invalid-argument')!;
  assert.equal(bad.line, 14);
  assert.match(bad.message, /B\(1\).*not defined/);
});

test('attributes assigned after a layer is built: what forward reads is followed, what it never reads changes nothing', () => {
  // Hand-worked: 32×32 input; conv k3 with stride set to 1 and padding 1 keeps 32×32; the pool's
  // kernel set to 4 with stride 4 gives 8×8.
  const followed = analyze(`${HEADER}
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, stride=2)
        self.pool = nn.MaxPool2d(2)
        self.conv.stride, self.conv.padding = (1, 1), 1
        self.pool.kernel_size, self.pool.stride = 4, 4
    def forward(self, x):
        return self.pool(self.conv(x))
`, { model: 'Net()', inputs: [[1, 3, 32, 32]] });
  const m = followed.models[0]!;
  assert.equal(m.incomplete, false, JSON.stringify(followed.diagnostics));
  assert.deepEqual(m.layers.map((l) => l.out[0]), [[1, 8, 32, 32], [1, 8, 8, 8]]);
  assert.deepEqual(m.layers[0]!.stride, [1, 1]);
  // Conv2d.forward never reads out_channels: the weight keeps 8 output channels (real torch
  // 1.13 gives [1, 8, 30, 30]). What cannot be followed is in test/unit/moduleAttributes.test.ts.
  const ignored = analyze(`${HEADER}
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.conv.out_channels = 16
    def forward(self, x):
        return self.conv(x)
`, { model: 'Net()', inputs: [[1, 3, 32, 32]] });
  assert.equal(ignored.models[0]!.incomplete, false);
  assert.deepEqual(ignored.models[0]!.outputs, [[1, 8, 30, 30]]);
});

test('an attribute assigned between two calls of a layer changes the second call only', () => {
  // Hand-worked: conv k3 p1 on 32×32 keeps 32×32 at stride 1; stride 2 gives
  // floor((32 + 2 − 3) / 2) + 1 = 16; set back to 1, 16×16 stays 16×16. The layer's attributes
  // are compared only when written since the last call (WriteCountingMap): this is the write case.
  const r = analyze(`${HEADER}
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, padding=1)
    def forward(self, x):
        a = self.conv(x)
        a = self.conv(a)
        self.conv.stride = (2, 2)
        b = self.conv(a)
        self.conv.stride = 1
        return self.conv(b)
`, { model: 'Net()', inputs: [[1, 3, 32, 32]] });
  const m = r.models[0]!;
  assert.equal(m.incomplete, false, JSON.stringify(r.diagnostics));
  assert.deepEqual(m.layers.map((l) => l.out[0]), [[1, 3, 32, 32], [1, 3, 32, 32], [1, 3, 16, 16], [1, 3, 16, 16]]);
  assert.deepEqual(m.layers.map((l) => l.stride), [[1, 1], [1, 1], [2, 2], [1, 1]]);
});
