// A keystroke's analysis looks for the valid input sizes only where the input fails
// (`validSizes: 'whenInputFails'`); the report it gives must say the same as the complete one in
// everything else: every diagnostic (a failing input's names its nearest valid sizes), every shape
// and count, the input a guess chose. The oracle is the complete analysis, whose valid sizes
// test/oracle/valid-sizes.test.ts checks against real PyTorch.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeFile } from '../../server/src/engine/analyze';
import type { ModelReport } from '../../server/src/engine/report';

const root = resolve(__dirname, '../..');
const folders = ['examples', 'test/fixtures/styles', 'test/fixtures/library_users', 'test/protocol/fixtures/models', '../shared/fixtures/models'];

const readFile = (p: string): string | null => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
};
const listDirectory = (p: string): string[] | null => {
  try {
    return readdirSync(p);
  } catch {
    return null;
  }
};
const isDirectory = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** The parts of a guessed input's reason; the complete one adds the sizes it scanned. */
const reasonParts = (m: ModelReport): string[] => (m.inputReason ?? '').split('; ').filter(Boolean);

/** What a deferred model leaves to the completed report: the sizes, and the input the file's own
 *  functions call it with. */
function withoutDeferred(m: ModelReport): Omit<ModelReport, 'validInputSizes' | 'validSizesDeferred' | 'inputReason' | 'callerInput'> {
  const { validInputSizes: _sizes, validSizesDeferred: _deferred, inputReason: _reason, callerInput: _caller, ...rest } = m;
  return rest;
}

// Inputs that fail: a given size a skip connection cannot take, and a guess the classifier cannot take.
const failing: [string, string][] = [
  ['given_odd_size.py', `import torch
import torch.nn as nn

# convlens: input=(1, 3, 33, 33)
class Skip(nn.Module):
    def __init__(self):
        super().__init__()
        self.down = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.up = nn.ConvTranspose2d(8, 3, 2, stride=2)

    def forward(self, x):
        return torch.cat([x, self.up(self.down(x))], 1)
`],
  ['guessed_classifier.py', `import torch.nn as nn
import torch.nn.functional as F

class Small(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, padding=1)
        self.fc = nn.Linear(16 * 8 * 8, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv(x)), 4)
        return self.fc(x.flatten(1))
`],
];

const files = folders.flatMap((f) => (listDirectory(join(root, f)) ?? []).filter((n) => n.endsWith('.py')).map((n) => join(root, f, n)));
const seen = { deferred: 0, failingInputScanned: 0, guessedAndDeferred: 0, guessScanned: 0 };

const cases = [...files.map((f) => ({ file: f, text: readFileSync(f, 'utf8') })), ...failing.map(([name, text]) => ({ file: join(root, 'test/unit', name), text }))];

for (const { file, text } of cases) {
  test(`lazy sizes agree with the complete analysis: ${file.slice(root.length + 1)}`, () => {
    const options = { file, text, readFile, listDirectory, isDirectory, timeLimitMs: 60_000 };
    const full = analyzeFile({ ...options, validSizes: 'always' });
    const lazy = analyzeFile({ ...options, validSizes: 'whenInputFails' });
    assert.deepEqual(lazy.diagnostics, full.diagnostics);
    assert.equal(lazy.models.length, full.models.length);
    lazy.models.forEach((l, i) => {
      const f = full.models[i]!;
      assert.deepEqual(withoutDeferred(l), withoutDeferred(f), l.name);
      if (!l.validSizesDeferred) assert.deepEqual(l.callerInput, f.callerInput, `${l.name}: caller input`);
      for (const part of reasonParts(l)) assert.ok(reasonParts(f).includes(part), `${l.name}: reason part "${part}" not in "${f.inputReason}"`);
      if (l.validSizesDeferred) {
        seen.deferred++;
        if (l.inputSource === 'inferred') seen.guessedAndDeferred++;
        assert.equal(l.validInputSizes, undefined);
        assert.equal(f.validSizesDeferred, undefined);
      } else {
        assert.deepEqual(l.validInputSizes, f.validInputSizes, `${l.name}: sizes scanned in both`);
        if (l.inputSource === 'inferred' && l.validInputSizes) seen.guessScanned++;
        if (l.validInputSizes && full.diagnostics.some((d) => d.model === l.name && d.code === 'shape-mismatch' && /nearest valid/.test(d.message))) seen.failingInputScanned++;
      }
    });
  });
}

test('the files above take each path: deferred, guessed and deferred, a failing input scanned, a guess that needed the scan', () => {
  assert.ok(seen.deferred >= 10, JSON.stringify(seen));
  assert.ok(seen.guessedAndDeferred >= 1, JSON.stringify(seen));
  assert.ok(seen.failingInputScanned >= 1, JSON.stringify(seen));
  assert.ok(seen.guessScanned >= 1, JSON.stringify(seen));
});
