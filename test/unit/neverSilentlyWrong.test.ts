// Never silently wrong: whenever something that could change a model's numbers is not followed,
// the model is incomplete and a warning sits on the line of that construct (never 1:1). Each case
// fails if the model were reported complete, or if the warning were anywhere else. `scipy` is a
// compiled library the analysis keeps opaque: every name read from it is Unknown.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFile } from '../../server/src/engine/analyze';
import type { FileReport } from '../../server/src/engine/report';

const HEADER = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\nimport scipy\n';

function analyze(body: string, inputs: number[][] = [[1, 3, 16, 16]]): FileReport {
  const text = HEADER + body;
  return analyzeFile({ file: '/proj/model.py', text, readFile: (p) => (p === '/proj/model.py' ? text : null), model: 'Net()', inputs });
}

/** The 1-based line of the first line of `body` (after the header) that contains `marker`. */
function lineOf(body: string, marker: string): number {
  const i = body.split('\n').findIndex((l) => l.includes(marker));
  assert.ok(i >= 0, `marker ${marker}`);
  return HEADER.split('\n').length - 1 + i + 1;
}

function assertIncompleteAt(body: string, marker: string, message?: RegExp): FileReport {
  const r = analyze(body);
  assert.equal(r.models.length, 1, JSON.stringify(r.diagnostics));
  assert.equal(r.models[0]!.incomplete, true, 'reported complete');
  const warnings = r.diagnostics.filter((d) => d.severity === 'warning' || d.severity === 'error');
  const line = lineOf(body, marker);
  assert.ok(warnings.some((d) => d.line === line), `no warning on line ${line} (${marker}): ${JSON.stringify(warnings.map((d) => [d.line, d.message]))}`);
  assert.ok(r.diagnostics.every((d) => d.line > 1 || d.column > 0), 'a diagnostic at 1:1');
  if (message) assert.ok(r.diagnostics.some((d) => d.line === line && message.test(d.message)), JSON.stringify(r.diagnostics));
  return r;
}

const FORWARD = '\n    def forward(self, x):\n        return self.conv(x)\n';
const net = (init: string, forward = FORWARD) =>
  `class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.conv = nn.Conv2d(3, 8, 3)\n${init}${forward}`;

test('an output tuple with an unknown member', () => {
  const body = net('', '\n    def forward(self, x):\n        return self.conv(x), scipy.special.aux(x)  # MARK\n');
  const r = assertIncompleteAt(body, 'MARK', /part of the output is unknown/);
  assert.deepEqual(r.models[0]!.outputs, [[1, 8, 14, 14]], 'the known member is still shown');
});

test('a dict output with an unknown value', () => {
  assertIncompleteAt(net('', "\n    def forward(self, x):\n        return {'out': self.conv(x), 'aux': scipy.aux(x)}  # MARK\n"), 'MARK');
});

test('an unknown object stored on the module while it is built (it could be a submodule)', () => {
  assertIncompleteAt(net('        self.extra = scipy.make_block(8)  # MARK\n'), 'MARK', /the model lacks it/);
});

test('a statement that would assign a submodule fails and is skipped', () => {
  assertIncompleteAt(net('        self.extra = UndefinedBlock(8)  # MARK\n'), 'MARK');
});

test('exec of code that is unknown', () => {
  assertIncompleteAt(net('        exec(scipy.generated_code)  # MARK\n'), 'MARK', /exec\(\) was not followed/);
});

test('exec of a string with a syntax error', () => {
  assertIncompleteAt(net("        exec('self.extra = = nn.ReLU()')  # MARK\n"), 'MARK', /SyntaxError/);
});

test('exec of a string whose statement fails: reported on the exec line, not inside the string', () => {
  assertIncompleteAt(net("        exec('x = 1\\nself.extra = undefined_factory(8)')  # MARK\n"), 'MARK', /undefined_factory/);
});

test('an unknown call whose result flows into a layer', () => {
  assertIncompleteAt(net('', '\n    def forward(self, x):\n        x = scipy.ndimage.zoom(x, 2)  # MARK\n        return self.conv(x)\n'), 'MARK');
});

test('a layer built from an unknown argument, never called in forward (its parameters are unknown)', () => {
  assertIncompleteAt(net('        c = scipy.channels(8)  # MARK\n        self.unused = nn.Conv2d(8, c, 3)\n'), 'MARK', /Conv2d was not built/);
});

test('a branch on an unknown condition while the model is built', () => {
  assertIncompleteAt(net('        if scipy.use_extra:  # MARK\n            self.extra = nn.Conv2d(8, 8, 3)\n'), 'MARK', /this branch was not followed/);
});

test('a branch on an unknown condition in forward', () => {
  assertIncompleteAt(net('        self.extra = nn.Conv2d(8, 8, 1)\n',
    '\n    def forward(self, x):\n        x = self.conv(x)\n        if scipy.flag:  # MARK\n            x = self.extra(x)\n        return x\n'), 'MARK');
});

test('a branch on tensor values in forward (data-dependent: the analysis cannot decide it)', () => {
  assertIncompleteAt(net('        self.extra = nn.Conv2d(8, 8, 1)\n',
    '\n    def forward(self, x):\n        x = self.conv(x)\n        if x.mean() > 0:  # MARK\n            x = self.extra(x)\n        return x\n'), 'MARK', /depends on tensor values/);
});

test('a conditional expression on an unknown condition picking a layer', () => {
  assertIncompleteAt(net('        self.act = nn.ReLU() if scipy.flag else nn.Conv2d(8, 8, 3)  # MARK\n'), 'MARK');
});

test('a comprehension over something unknown is not an empty ModuleList', () => {
  assertIncompleteAt(net('        self.blocks = nn.ModuleList([nn.Conv2d(8, 8, 3) for _ in scipy.stages])  # MARK\n'), 'MARK');
});

test('nn.ModuleList of an unknown value is not empty', () => {
  assertIncompleteAt(net('        self.blocks = nn.ModuleList(scipy.blocks)  # MARK\n'), 'MARK', /ModuleList was made empty/);
});

test('an unknown member of nn.Sequential', () => {
  assertIncompleteAt(net('        self.seq = nn.Sequential(nn.ReLU(), scipy.block())  # MARK\n'), 'MARK');
});

test('setattr and add_module with an unknown name', () => {
  assertIncompleteAt(net('        setattr(self, scipy.name, nn.Conv2d(8, 8, 3))  # MARK\n'), 'MARK', /setattr was not followed/);
  assertIncompleteAt(net('        self.add_module(scipy.name, nn.Conv2d(8, 8, 3))  # MARK\n'), 'MARK', /add_module was not followed/);
});

test('a forward hook is not run by the analysis', () => {
  assertIncompleteAt(net('        self.conv.register_forward_hook(lambda m, i, o: o * 2)  # MARK\n'), 'MARK', /hook is not run/);
});

test('the module handed to a call the analysis does not follow', () => {
  assertIncompleteAt(net('        scipy.convert_sync_batchnorm(self)  # MARK\n'), 'MARK', /it is given a module it could change/);
});

test('a default argument that fails (an object the analysis does not model) and is used', () => {
  const body = 'class Net(nn.Module):\n    def __init__(self, norm=nn.NotALayer(8)):  # MARK\n        super().__init__()\n        self.conv = nn.Conv2d(3, 8, 3)\n        self.norm = norm\n' +
    '    def forward(self, x):\n        return self.norm(self.conv(x))\n';
  assertIncompleteAt(body, 'MARK');
});

test('a module without forward: the warning is on its class, not 1:1', () => {
  assertIncompleteAt('class Net(nn.Module):  # MARK\n    def __init__(self):\n        super().__init__()\n        self.conv = nn.Conv2d(3, 8, 3)\n', 'MARK', /forward could not be followed/);
});

test('the same dynamic constructs, fully known, give a complete model without warnings', () => {
  const body = `CFG = {'act': 'ReLU', 'depth': 2}
class Net(nn.Module):
    def __init__(self, criterion=nn.CrossEntropyLoss(ignore_index=255)):
        super().__init__()
        self.criterion = criterion
        for i in range(CFG['depth']):
            setattr(self, f'conv{i}', nn.Conv2d(3 if i == 0 else 8, 8, 3))
        self.add_module('act', getattr(nn, CFG['act'])())
        exec('self.head = nn.Conv2d(8, 2, 1)')
        if hasattr(self, 'conv1') and 'ReLU' in dir(nn):
            self.__setattr__('out', nn.Identity())
        self.blocks = nn.ModuleList([nn.Identity() for _ in range(CFG['depth'])])
    def forward(self, x):
        for i in range(CFG['depth']):
            x = self.act(getattr(self, 'conv%d' % i)(x))
        for b in self.blocks:
            x = b(x)
        return self.out(self.head(x)), eval('x.shape[1]')
`;
  const r = analyze(body);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity !== 'hint'), []);
  const m = r.models[0]!;
  assert.equal(m.incomplete, false);
  assert.deepEqual(m.outputs, [[1, 2, 12, 12]]);
  // Conv(3→8, 3x3) + Conv(8→8, 3x3) + Conv(8→2, 1x1), with biases.
  assert.equal(m.params, (3 * 8 * 9 + 8) + (8 * 8 * 9 + 8) + (8 * 2 + 2));
  assert.deepEqual(m.layers.filter((l) => l.kind === 'module' && !l.notCalled).map((l) => l.path),
    ['conv0', 'act', 'conv1', 'act', 'blocks.0', 'blocks.1', 'head', 'out']);
  // The loss (a default argument) is registered first, as torch registers it, and never called.
  assert.deepEqual(m.layers.filter((l) => l.notCalled).map((l) => [l.path, l.op, l.params]), [['criterion', 'CrossEntropyLoss', 0]]);
});

test('an error of the model itself called from the analysis (no call site of its own) is on its class line, not 1:1', () => {
  const body = 'class Net(nn.Conv2d):  # MARK\n    def __init__(self):\n        super().__init__(5, 8, 3)\n';
  const r = assertIncompleteAt(body, 'MARK');
  assert.ok(r.diagnostics.some((d) => d.severity === 'error' && d.code === 'channel-mismatch' && d.line === lineOf(body, 'MARK')), JSON.stringify(r.diagnostics));
});

// Members of torch that ConvLens does not model (real PyTorch 1.13 has them: torch.fft,
// nn.FractionalMaxPool2d). Code that catches the error, or asks hasattr/getattr, must not take
// the fallback silently: in PyTorch the try body runs.
test('a try whose except clause catches an unmodelled member of torch (in forward)', () => {
  const body = net('', '\n    def forward(self, x):\n        try:\n            y = torch.fft.rfft2(x).abs()  # MARK\n        except Exception:\n            y = x\n        return self.conv(y)\n');
  assertIncompleteAt(body, 'MARK', /does not model it/);
});

test('a try whose except clause catches an unmodelled layer class (while the model is built)', () => {
  assertIncompleteAt(net('        try:\n            self.pool = nn.FractionalMaxPool2d(2, output_ratio=0.5)  # MARK\n        except AttributeError:\n            self.pool = nn.MaxPool2d(2)\n'), 'MARK', /does not model it/);
});

test('hasattr and getattr with a default on an unmodelled member of torch are not False / the default', () => {
  assertIncompleteAt(net("        if hasattr(nn, 'FractionalMaxPool2d'):  # MARK\n            self.pool = nn.Identity()\n"), 'MARK');
  assertIncompleteAt(net("        self.pool = getattr(nn, 'FractionalMaxPool2d', nn.Identity)(2, output_ratio=0.5)  # MARK\n"), 'MARK');
});

test('an attribute error of the code\'s own objects is exact: its except clause runs silently, hasattr is False', () => {
  const body = net(`        try:
            act = self.activation_from_config
        except AttributeError:
            act = nn.ReLU()
        self.act = act if hasattr(self, 'conv') and not hasattr(self, 'missing') else None
`, '\n    def forward(self, x):\n        return self.act(self.conv(x))\n');
  const r = analyze(body);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity !== 'hint'), []);
  assert.equal(r.models[0]!.incomplete, false);
  assert.deepEqual(r.models[0]!.layers.map((l) => l.op), ['Conv2d', 'ReLU']);
});

test('environment variables of the run are unknown; those the code sets are known', () => {
  const header = 'import os\n';
  assertIncompleteAt(`${header}${net("        if os.environ.get('FREEZE'):  # MARK\n            self.conv.requires_grad_(False)\n")}`, 'MARK');
  assertIncompleteAt(`${header}${net("        width = int(os.getenv('WIDTH', '8'))  # MARK\n        self.extra = nn.Conv2d(8, width, 1)\n", '\n    def forward(self, x):\n        return self.extra(self.conv(x))\n')}`, 'MARK');
  const known = `${header}os.environ['WIDTH'] = '4'\nos.environ.setdefault('UNUSED', '1')\n${net("        width = int(os.environ['WIDTH']) if 'WIDTH' in os.environ else 16\n        self.extra = nn.Conv2d(8, width, 1)\n", '\n    def forward(self, x):\n        return self.extra(self.conv(x))\n')}`;
  const r = analyze(known);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity !== 'hint'), []);
  assert.equal(r.models[0]!.incomplete, false);
  assert.deepEqual(r.models[0]!.outputs, [[1, 4, 14, 14]]);
  // The next analysis does not see what this one set.
  const again = analyze(`${header}${net("        width = int(os.environ['WIDTH'])  # MARK\n        self.extra = nn.Conv2d(8, width, 1)\n", '\n    def forward(self, x):\n        return self.extra(self.conv(x))\n')}`);
  assert.equal(again.models[0]!.incomplete, true);
});
