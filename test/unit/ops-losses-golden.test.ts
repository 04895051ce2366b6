// The losses (nn.*Loss modules and their F.* forms) against real PyTorch: every case of
// test/golden/torch/loss_cases.json (fixed-seed expressions, answers recorded from torch 1.13 by
// scripts/golden/loss_cases.py), evaluated by ConvLens's interpreter: the output shape where torch
// returns one, an error naming the loss where torch raises.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evalPython } from './timmIdiomsSupport';
import { buildModule } from '../support/opsGolden';
import type { TorchParam } from '../support/torchSignature';

interface LossCase { expr: string; family: string; out?: number[][]; error?: string; message?: string }

const golden = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'golden', 'torch', 'loss_cases.json'), 'utf8')) as {
  cases: LossCase[];
  modules: { expr: string; held: Record<string, string | number | boolean> }[];
};
const cases = golden.cases;
const inits = (JSON.parse(readFileSync(join(import.meta.dirname, '..', 'golden', 'torch', 'signatures.json'), 'utf8')) as {
  modules: Record<string, { init: TorchParam[] }>;
}).modules;

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
      // The code follows torch's exception: a TypeError is a bad argument, a ValueError or
      // RuntimeError a bad argument or shapes that do not fit (sarif.ts's rules).
      else if (!new RegExp(`^error (${c.error === 'TypeError' ? 'invalid-argument' : 'invalid-argument|shape-mismatch|channel-mismatch'}):`).test(errors[0]!)) {
        failures.push(`${c.expr}: ${errors[0]}; torch raises ${c.error}: ${c.message}`);
      }
      // Which check comes first (reduction or shapes) is torch's order.
      else if (/not a valid value for reduction/.test(c.message ?? '') !== /not a valid value for reduction/.test(errors[0]!)) {
        failures.push(`${c.expr}: ${errors[0]}; torch raises ${c.error}: ${c.message}`);
      }
      continue;
    }
    if (v?.kind !== 'tensor' || JSON.stringify([v.shape]) !== JSON.stringify(c.out)) {
      failures.push(`${c.expr}: gave ${v?.kind === 'tensor' ? JSON.stringify(v.shape) : `${got.result} ${errors.join('; ')}`}; torch gives ${JSON.stringify(c.out)}`);
    }
  }
  assert.deepEqual(failures, []);
});

test('loss modules are described by what torch holds (reduction, legacy arguments folded in; hyperparameters) where it differs from the default', () => {
  assert.ok(golden.modules.length >= 30);
  const failures: string[] = [];
  for (const m of golden.modules) {
    const init = inits[/^nn\.(\w+)\(/.exec(m.expr)![1]!]!.init;
    const expected = Object.entries(m.held)
      .filter(([name, value]) => {
        const param = init.find((p) => p.name === name)!;
        return !('default' in param) || param.default !== value;
      })
      .map(([name, value]) => `${name}=${typeof value === 'string' ? `'${value}'` : typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value)}`)
      .sort()
      .join(', ');
    const built = buildModule(m.expr);
    // The golden's keys are sorted (json sort_keys): the order is not compared.
    const ours = built.spec.describe(built.config).split(', ').filter(Boolean).sort().join(', ');
    if (ours !== expected) failures.push(`${m.expr}: "${ours}", expected "${expected}" (torch holds ${JSON.stringify(m.held)})`);
  }
  assert.deepEqual(failures, []);
});
