// Real PyTorch's answers for the quick-fix tests (scripts/golden/mut_quickfix.py →
// test/golden/torch/mut_quickfix.json): for each transposed convolution and resize-convolution
// setting, torch's output lengths for two input lengths and whether all-ones weights give every
// interior output the same number of taps.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TransposedRow {
  k: number;
  s: number;
  p: number;
  op: number;
  lengths: number[];
  even: boolean;
}

export interface ResizeRow {
  s: number;
  k: number;
  p: number;
  lengths: number[];
}

export const quickFixGolden = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'golden', 'torch', 'mut_quickfix.json'), 'utf8')) as {
  transposed: TransposedRow[];
  resize: ResizeRow[];
};

/** torch's row for ConvTranspose(k, s, p, output_padding=op); fails the test when it has none. */
export function torchTransposed(k: number, s: number, p: number, op: number): TransposedRow {
  const row = quickFixGolden.transposed.find((r) => r.k === k && r.s === s && r.p === p && r.op === op);
  assert.ok(row, `torch golden has ConvTranspose1d(k=${k}, s=${s}, p=${p}, op=${op})`);
  return row;
}

/** torch's row for Upsample(s) followed by Conv(k, padding=p). */
export function torchResize(s: number, k: number, p: number): ResizeRow {
  const row = quickFixGolden.resize.find((r) => r.s === s && r.k === k && r.p === p);
  assert.ok(row, `torch golden has Upsample(${s}) + Conv1d(k=${k}, p=${p})`);
  return row;
}
