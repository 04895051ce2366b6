// The losses (nn.*Loss modules and their F.* forms) against real PyTorch: every case of
// test/golden/torch/loss_cases.json (fixed-seed expressions, answers recorded from torch 1.13 by
// scripts/golden/loss_cases.py), evaluated by ConvLens's interpreter: the output shape where torch
// returns one, an error naming the loss where torch raises.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evalPython } from './timmIdiomsSupport';

interface LossCase { expr: string; family: string; out?: number[][]; error?: string; message?: string }

const cases = (JSON.parse(readFileSync(join(import.meta.dirname, '..', 'golden', 'torch', 'loss_cases.json'), 'utf8')) as { cases: LossCase[] }).cases;

test('loss cases from torch 1.13: shapes and errors', () => {
  assert.ok(cases.length >= 100 && cases.some((c) => c.error) && cases.some((c) => c.out));
  const failures: string[] = [];
  for (const c of cases) {
    const got = evalPython(`import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\nRESULT = ${c.expr}\n`);
    const errors = got.diagnostics.filter((d) => d.startsWith('error'));
    const v = got.value;
    if (c.error) {
      if (!errors.length) failures.push(`${c.expr}: gave ${v?.kind === 'tensor' ? JSON.stringify(v.shape) : got.result}; torch raises ${c.error}: ${c.message}`);
      else if (!/(nn\.\w+Loss|F\.\w+|\w+Loss)\b/.test(errors[0]!) && !/not a valid value for reduction/.test(errors[0]!)) failures.push(`${c.expr}: the error does not name the loss: ${errors[0]}`);
      continue;
    }
    if (v?.kind !== 'tensor' || JSON.stringify([v.shape]) !== JSON.stringify(c.out)) {
      failures.push(`${c.expr}: gave ${v?.kind === 'tensor' ? JSON.stringify(v.shape) : `${got.result} ${errors.join('; ')}`}; torch gives ${JSON.stringify(c.out)}`);
    }
  }
  assert.deepEqual(failures, []);
});
