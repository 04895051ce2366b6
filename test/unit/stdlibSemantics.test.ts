// The parts of Python's standard library that model and library code lean on (enum with a
// metaclass and dataclass members, dataclasses, functools, inspect.signature, re, itertools,
// collections, copy, math, warnings, with): test/fixtures/stdlib/semantics.py checks each against
// the value real Python gives (it runs unchanged under /usr/bin/python3). Under the analysis a
// failed check raises, and an Unknown value fails a check too, so a clean run means every value
// was known and right.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeFile } from '../../server/src/engine/analyze';

const root = resolve(__dirname, '../..');

test('stdlib semantics: every check of semantics.py holds under the analysis', () => {
  const file = join(root, 'test/fixtures/stdlib/semantics.py');
  const report = analyzeFile({ file, text: readFileSync(file, 'utf8'), readFile: () => null, model: 'Probe()', inputs: [[1, 1]], timeLimitMs: 30_000 });
  const problems = report.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning');
  assert.deepEqual(problems.map((d) => `${d.line}: ${d.message}`), []);
  const model = report.models[0]!;
  assert.equal(model.incomplete, false);
  assert.equal(model.params, 4, 'Probe is built with OK = True');
});

test('stdlib semantics: a wrong expectation is caught', () => {
  const file = join(root, 'test/fixtures/stdlib/semantics.py');
  const text = readFileSync(file, 'utf8')
    .replace('Auto.B.value == 2', 'Auto.B.value == 3')
    .replace('fields(Sub)] == ["depth"', 'fields(Sub)] == ["width"');
  const report = analyzeFile({ file, text, readFile: () => null, model: 'Probe()', inputs: [[1, 1]], timeLimitMs: 30_000 });
  const raised = report.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
  assert.deepEqual(raised, ['raise AssertionError: auto', 'raise AssertionError: fields in order, inherited first']);
});

test('members of an enum mixed with str are str values of the enum class', () => {
  const file = '/virtual/mixed.py';
  const text = [
    'import enum',
    'from torch import nn',
    'class Mode(str, enum.Enum):',
    '    A = "a"',
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.fc = nn.Linear(2, len(Mode.A.value))',
    '    def forward(self, x):',
    '        return self.fc(x)',
  ].join('\n');
  const report = analyzeFile({ file, text, readFile: () => null, model: 'Net()', inputs: [[1, 2]] });
  // /usr/bin/python3: len(Mode.A.value) == 1, so Linear(2, 1) with 3 parameters.
  assert.equal(report.models[0]!.incomplete, false);
  assert.equal(report.models[0]!.params, 3);
});
