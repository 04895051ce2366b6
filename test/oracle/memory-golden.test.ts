// Real PyTorch as the oracle for trainable parameters and memory: scripts/golden/memory.py reads
// `requires_grad`, `numel() * element_size()` of parameters and of every leaf-module call's
// outputs off the real model (test/golden/torch/memory/). The engine analyses the same source.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeFile } from '../../server/src/engine/analyze';
import { discoverSearchPath } from '../../server/src/pythonEnvironment/searchPath';
import { nodeFileAccess } from '../../server/src/pythonEnvironment/fileAccess';

const root = resolve(__dirname, '../..');
const dir = join(root, 'test/golden/torch/memory');
const files = nodeFileAccess();
// The installed torchvision, found as the CLI finds it (the goldens were made with 0.14.1).
const searchPaths = discoverSearchPath({ file: join(root, 'test/oracle/model.py'), cwd: root, env: { HOME: process.env.HOME } });
const torchvisionRoot = searchPaths.map((e) => e.path).find((p) => files.readFile(join(p, 'torchvision/__init__.py')) !== null);

interface MemoryGolden {
  input: number[][];
  source: { kind: string; file: string; expr: string };
  layers: { name: string; params: number; trainable: number; param_bytes: number; out_bytes: number }[];
  params: number;
  trainable: number;
  param_bytes: number;
  module_out_bytes: number;
  torchinfo_forward_backward_bytes: number;
  containers: { name: string; type: string; params: number; trainable: number }[];
}

for (const name of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
  const golden = JSON.parse(readFileSync(join(dir, name), 'utf8')) as MemoryGolden;
  test(`${name}: trainable params and memory as real PyTorch has them`, () => {
    const file = golden.source.kind === 'torchvision' ? join(torchvisionRoot ?? '/nonexistent', golden.source.file) : join(root, golden.source.file);
    const report = analyzeFile({ file, text: readFileSync(file, 'utf8'), model: golden.source.expr, inputs: golden.input, timeLimitMs: 60_000, searchPaths, ...files });
    const model = report.models[0]!;
    assert.equal(model.incomplete, false, JSON.stringify(report.diagnostics));
    const calls = model.layers.filter((l) => l.kind === 'module' && !l.notCalled);
    assert.deepEqual(calls.map((l) => l.path), golden.layers.map((l) => l.name));
    const seen = new Set<string>();
    golden.layers.forEach((g, i) => {
      const l = calls[i]!;
      // A module called again shows its parameters on its first row only.
      const first = !seen.has(g.name);
      seen.add(g.name);
      assert.equal(l.trainableParams, first ? g.trainable : 0, `${g.name}: trainable`);
      assert.equal(l.paramBytes, first ? g.param_bytes : 0, `${g.name}: parameter bytes`);
      assert.equal(l.outputBytes, g.out_bytes, `${g.name}: output bytes`);
    });
    assert.equal(model.params, golden.params);
    assert.equal(model.trainableParams, golden.trainable);
    assert.equal(model.paramBytes, golden.param_bytes);
    assert.equal(model.forwardBytes, golden.module_out_bytes);
    assert.equal(model.torchinfoForwardBackwardBytes, golden.torchinfo_forward_backward_bytes);
    // What a row folded at a depth shows (torchinfo's depth): every module with submodules.
    assert.deepEqual((model.containers ?? []).map((c) => [c.path, c.className, c.params, c.trainableParams, c.paramBytes]),
      golden.containers.map((c) => [c.name, c.type, c.params, c.trainable, c.params * 4]));
  });
}
