// Bytes where model code picks another dtype than float32, against real torch 1.13
// (test/golden/torch/dtype_memory.json, made by scripts/golden/dtype_memory.py): a layer built with
// `dtype=`, an input converted with `.half()`/`.double()`/`.to(..., dtype)`, a tensor made in
// forward with `dtype=`, a module converted with `.double()`. Every byte count the analysis gives
// must be torch's (numel × element size); where torch's element size is not 4, or torch refuses to
// run the model (mixed dtypes), the analysis must say unknown (null), never float32's count.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile } from '../../server/src/engine/analyze';

interface Leaf { name: string; numel: number; param_bytes: number }
interface Call extends Leaf { out_numel: number; out_bytes: number }
interface Case { name: string; source: string; input: number[]; params: Leaf[]; layers: Call[]; error?: string }

const golden = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'golden', 'torch', 'dtype_memory.json'), 'utf8')) as { cases: Case[] };

for (const c of golden.cases) {
  test(`dtype and bytes, ${c.name}: every count torch's or unknown${c.error ? ' (torch refuses the model)' : ''}`, () => {
    const report = analyzeFile({ file: `/virtual/${c.name}.py`, text: c.source, readFile: () => null, model: 'Net()', inputs: [c.input], timeLimitMs: 10_000 });
    const model = report.models[0];
    assert.ok(model, JSON.stringify(report.diagnostics));
    const float32 = (numel: number, bytes: number): boolean => bytes === numel * 4;
    for (const leaf of c.params) {
      const row = model.layers.find((l) => l.path === leaf.name);
      assert.ok(row, `no row for ${leaf.name}`);
      assert.equal(row.params, leaf.numel, `${leaf.name} params`);
      assert.equal(row.paramBytes, float32(leaf.numel, leaf.param_bytes) ? leaf.param_bytes : null, `${leaf.name} parameter bytes`);
    }
    const allParams32 = c.params.every((p) => float32(p.numel, p.param_bytes));
    assert.equal(model.paramBytes, allParams32 ? c.params.reduce((n, p) => n + p.param_bytes, 0) : null, 'model parameter bytes');
    // Rows of layers torch ran: the output's bytes where float32, else unknown.
    for (const call of c.layers) {
      const row = model.layers.find((l) => l.path === call.name)!;
      assert.equal(row.outputBytes, float32(call.out_numel, call.out_bytes) ? call.out_bytes : null, `${call.name} output bytes`);
    }
    // Layers torch never reached (it raised first): no float32 count may stand for them.
    for (const leaf of c.params.filter((p) => !c.layers.some((l) => l.name === p.name))) {
      assert.equal(model.layers.find((l) => l.path === leaf.name)!.outputBytes, null, `${leaf.name} output bytes where torch raises`);
    }
    const allOut32 = !c.error && c.layers.every((l) => float32(l.out_numel, l.out_bytes));
    assert.equal(model.forwardBytes, allOut32 ? c.layers.reduce((n, l) => n + l.out_bytes, 0) : null, 'forward pass bytes');
    if (!allOut32 || !allParams32) assert.match(model.memoryUnknown ?? '', /line \d+/, 'the reason names the line');
  });
}
