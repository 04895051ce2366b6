// Trainable parameters and memory where the analysis must say "unknown" or keep copies apart.
// Counts are worked by hand: Conv2d(3, 8, 3) has 8·3·3·3 + 8 = 224 parameters, Linear(8, 4) 36.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFile } from '../../server/src/engine/analyze';
import type { ModelReport } from '../../server/src/engine/report';

function analyse(body: string): ModelReport {
  const text = `import copy\nimport os\nimport torch\nfrom torch import nn\n\n# convlens: input=(1, 3, 8, 8)\nclass Net(nn.Module):\n${body}`;
  const report = analyzeFile({ file: '/virtual/net.py', text, readFile: () => null, timeLimitMs: 10_000 });
  assert.equal(report.models.length, 1, JSON.stringify(report.diagnostics));
  return report.models[0]!;
}

const FORWARD = `
    def forward(self, x):
        return self.b(self.a(x))
`;

test('freezing under a condition the analysis cannot decide makes the trainable count unknown, never a guess', () => {
  const model = analyse(`    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 8, 3)
        self.b = nn.Conv2d(8, 8, 1)
        if torch.rand(1).item() > 0.5:
            for p in self.a.parameters():
                p.requires_grad = False
${FORWARD}`);
  assert.equal(model.params, 224 + 72);
  assert.equal(model.trainableParams, null);
  assert.match(model.trainableUnknown ?? '', /not followed \(the first at line 12\).*requires_grad/);
});

test('requires_grad set from an unknown value: that parameter and the model are unknown, with why', () => {
  const model = analyse(`    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 8, 3)
        self.b = nn.Conv2d(8, 8, 1)
        self.a.weight.requires_grad = torch.rand(1).item() > 0.5
${FORWARD}`);
  const a = model.layers.find((l) => l.path === 'a')!;
  const b = model.layers.find((l) => l.path === 'b')!;
  assert.equal(a.trainableParams, null);
  assert.equal(b.trainableParams, 72);
  assert.equal(model.trainableParams, null);
  assert.match(model.trainableUnknown ?? '', /unknown value \(line 12\)/);
});

test('a deep copy owns its parameters: freezing the original leaves the copy trainable; requires_grad reads back', () => {
  const model = analyse(`    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 8, 3)
        self.c = copy.deepcopy(self.a)
        self.a.requires_grad_(False)
        self.b = nn.Conv2d(8, 8, 1)
        self.b.bias.requires_grad_()
        self.b.weight.requires_grad = self.a.weight.requires_grad
        assert not self.a.bias.requires_grad and self.c.bias.requires_grad

    def forward(self, x):
        return self.b(self.a(x)) + self.b(self.c(x))
`);
  assert.equal(model.incomplete, false);
  assert.equal(model.params, 224 * 2 + 72);
  assert.equal(model.trainableParams, 224 + 8);
  assert.deepEqual(model.layers.filter((l) => l.kind === 'module').map((l) => [l.path, l.trainableParams]),
    [['a', 0], ['b', 8], ['c', 224], ['b', 0]]);
});

test('a dtype change makes the byte counts unknown; a device move does not', () => {
  const half = analyse(`    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 8, 3)
        self.b = nn.Conv2d(8, 8, 1)
        self.half()
${FORWARD}`);
  assert.equal(half.paramBytes, null);
  assert.equal(half.forwardBytes, null);
  assert.match(half.memoryUnknown ?? '', /Net\.half\(…\) at line 12/);
  const moved = analyse(`    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 8, 3)
        self.b = nn.Conv2d(8, 8, 1)
        self.to("cpu").to(torch.float32)
${FORWARD}`);
  assert.equal(moved.paramBytes, (224 + 72) * 4);
  // a: 8×6×6 outputs, b: 8×6×6, float32
  assert.equal(moved.forwardBytes, 2 * 8 * 6 * 6 * 4);
  assert.equal(moved.torchinfoForwardBackwardBytes, 2 * 2 * 8 * 6 * 6 * 4);
});

test('nn.Parameter(requires_grad=False) and a max pool returning int64 indices', () => {
  const model = analyse(`    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 8, 3)
        self.b = nn.MaxPool2d(2, return_indices=True)
        self.scale = nn.Parameter(torch.ones(8), requires_grad=False)

    def forward(self, x):
        y, idx = self.b(self.a(x))
        return y * self.scale.view(1, 8, 1, 1)
`);
  assert.equal(model.trainableParams, 224);
  assert.equal(model.params, 232);
  assert.equal(model.layers.find((l) => l.path === 'b')!.outputBytes, null);
  assert.equal(model.forwardBytes, null);
  assert.match(model.memoryUnknown ?? '', /int64 indices/);
});

test('a parameter made from float64 or half data: its bytes are unknown, not counted at 4 each', () => {
  const model = analyse(`    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 8, 3)
        self.b = nn.Conv2d(8, 8, 1)
        self.scale = nn.Parameter(torch.ones(8, dtype=torch.float64))
${FORWARD}`);
  assert.equal(model.params, 224 + 72 + 8);
  assert.equal(model.paramBytes, null);
  assert.match(model.memoryUnknown ?? '', /another dtype than float32 made by torch\.ones at line 12/);
  const half = analyse(`    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 8, 3)
        self.b = nn.Conv2d(8, 8, 1)
        self.bias = nn.Parameter(torch.randn(5000).half())
        self.ok = nn.Parameter(torch.zeros(5000, dtype=torch.float32))
        self.scaled = nn.Parameter(torch.ones(3, dtype=torch.float16) * 0.1)
${FORWARD}`);
  assert.equal(half.paramBytes, null);
  assert.match(half.memoryUnknown ?? '', /Tensor\.half at line 12/);
  assert.equal(half.params, 224 + 72 + 5000 + 5000 + 3);
  assert.equal(half.layers.find((l) => l.path === 'a')!.paramBytes, 224 * 4);
  const scaled = analyse(`    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 8, 3)
        self.b = nn.Conv2d(8, 8, 1)
        self.scaled = nn.Parameter(torch.ones(3, dtype=torch.float16) * 0.1)
${FORWARD}`);
  assert.equal(scaled.paramBytes, null);
  assert.match(scaled.memoryUnknown ?? '', /torch\.ones at line 12/);
});
