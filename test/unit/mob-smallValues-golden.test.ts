// Values of small tensors and NumPy arrays against real torch 1.13 / NumPy: the snippets of
// test/golden/torch/mob_small_values.json (scripts/golden/mob_small_values.py, the branches small_values.py misses, records what Python prints
// for each RESULT) run through the analysis. A number the analysis gives must be the one torch
// gives; Unknown is allowed only where the golden says the analysis cannot be sure (float32
// log/exp/pow and long linspace are not correctly rounded in torch), and every case marked `known`
// must be known.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evalPython } from './timmIdiomsSupport';

interface Case { code: string; known: boolean; result: string }

const golden = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'golden', 'torch', 'mob_small_values.json'), 'utf8')) as { cases: Case[] };

test('small tensor and NumPy values: exactly torch\'s where given, Unknown only where torch\'s rounding is not certain', () => {
  const wrong: string[] = [];
  let unknownOptional = 0;
  let optional = 0;
  for (const c of golden.cases) {
    const run = evalPython(`import math\nimport numpy as np\nimport torch\n${c.code}`);
    const unknown = run.result.includes('<unknown');
    if (!c.known) optional++;
    if (unknown) {
      if (c.known) wrong.push(`${c.code}→ Unknown (${run.result.slice(0, 300)}); torch gives ${c.result}`);
      else unknownOptional++;
      continue;
    }
    if (run.result !== c.result) wrong.push(`${c.code}→ ${run.result}; torch gives ${c.result}`);
  }
  assert.deepEqual(wrong, []);
  // (Uncertain here: log10 of float32 values that are not powers of ten.)
  assert.ok(optional > 0 && unknownOptional <= optional);
});
