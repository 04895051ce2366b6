// torchinfo's depth and totals over a model the engine analysed, with the expected numbers read
// from real PyTorch (the memory and trace goldens of the same class), not from ConvLens.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeFile } from '../../server/src/engine/analyze';
import { rowsToDepth } from '../../server/src/format/depth';
import { memoryTotalLines } from '../../server/src/format/layerCells';
import { formatTable } from '../../server/src/format/table';
import { toJsonReport } from '../../server/src/format/json';
import { parseCommandLine, UsageError } from '../../server/src/cliArgs';

const root = resolve(__dirname, '../..');
const file = join(root, 'test/fixtures/styles/table_frozen_parts.py');
const name = 'style_table_frozen_parts_FrozenBackboneClassifier.json';
const memory = JSON.parse(readFileSync(join(root, 'test/golden/torch/memory', name), 'utf8'));
const trace = JSON.parse(readFileSync(join(root, 'test/golden/torch', name), 'utf8'));
const report = analyzeFile({ file, text: readFileSync(file, 'utf8'), model: 'FrozenBackboneClassifier()', inputs: memory.input, readFile: () => null, timeLimitMs: 60_000 });
const model = report.models[0]!;

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const under = (prefix: string) => (l: { name: string | null }) => l.name !== null && l.name.startsWith(prefix);

test('--depth 1 folds the backbone into one row: its parameters, trainable count, MACs and output memory', () => {
  const rows = rowsToDepth(model, 1);
  assert.deepEqual(rows.map((r) => r.path), ['backbone', 'pool', 'torch.flatten@43', 'head']);
  const backbone = rows[0]!;
  const golden = memory.containers.find((c: { name: string }) => c.name === 'backbone');
  assert.equal(backbone.op, golden.type);
  assert.equal(backbone.params, golden.params);
  assert.equal(backbone.trainableParams, golden.trainable);
  assert.equal(backbone.folded, memory.layers.filter(under('backbone.')).length);
  assert.equal(backbone.macs, sum(trace.layers.filter(under('backbone.')).map((l: { macs: number }) => l.macs)));
  assert.equal(backbone.outputBytes, sum(memory.layers.filter(under('backbone.')).map((l: { out_bytes: number }) => l.out_bytes)));
  const text = formatTable(report, { depth: 1 });
  assert.match(text, /^backbone +Backbone +\(9 calls\) .* frozen$/m);
});

test('--depth 0 is the model alone; a depth past the deepest layer changes nothing', () => {
  const rows = rowsToDepth(model, 0);
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.params, memory.params);
  assert.equal(rows[0]!.trainableParams, memory.trainable);
  // Every module call's outputs (torch.flatten, a functional call, is not one of them).
  assert.equal(rows[0]!.outputBytes, memory.module_out_bytes);
  assert.deepEqual(rowsToDepth(model, 9), model.layers);
  const json = toJsonReport(report, 1);
  assert.equal(json.models[0]!.layers[0]!.folded, 9);
  assert.equal(json.models[0]!.nonTrainableParams, memory.params - memory.trainable);
});

test("totals lines as torchinfo prints them, megabytes of 10^6 bytes", () => {
  assert.deepEqual(memoryTotalLines(model), [
    `Trainable params: ${memory.trainable.toLocaleString('en-US')}`,
    `Non-trainable params: ${(memory.params - memory.trainable).toLocaleString('en-US')}`,
    `Params size (MB): ${(memory.param_bytes / 1e6).toFixed(2)}`,
    `Forward pass size (MB): ${(memory.module_out_bytes / 1e6).toFixed(2)} (torchinfo's Forward/backward pass size: ${(memory.torchinfo_forward_backward_bytes / 1e6).toFixed(2)})`,
  ]);
});

test('--depth takes a whole number', () => {
  const command = parseCommandLine(['analyze', 'm.py', '--depth', '2']);
  assert.equal(command.kind === 'analyze' && command.depth, 2);
  assert.throws(() => parseCommandLine(['analyze', 'm.py', '--depth=-1']), UsageError);
  assert.throws(() => parseCommandLine(['analyze', 'm.py', '--depth', 'deep']), /bad --depth 'deep'/);
});
