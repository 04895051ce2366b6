// Real PyTorch as the receptive-field oracle: scripts/golden/receptive_fields.py measures, per leaf
// module call, the receptive field (input positions with a nonzero gradient of one interior output
// position, every tap counted, borders kept out) and the jump (shift of the receptive fields of
// positions one period apart, divided by the period) by autograd, on the models the torch goldens
// trace. The engine's rfExact / jumpExact must equal them for every measured call.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeFile } from '../../server/src/engine/analyze';
import { discoverSearchPath } from '../../server/src/pythonEnvironment/searchPath';
import { nodeFileAccess } from '../../server/src/pythonEnvironment/fileAccess';

const root = resolve(__dirname, '../..');
const geometryDir = join(root, 'test/golden/torch/geometry');
const files = nodeFileAccess();
const searchPaths = discoverSearchPath({ file: join(root, 'test/oracle/model.py'), cwd: root, env: { HOME: process.env.HOME } });
const torchvisionRoot = searchPaths.map((e) => e.path).find((p) => files.readFile(join(p, 'torchvision/__init__.py')) !== null);
const sharedFixtures = resolve(root, '../shared/fixtures/models');

interface Measured {
  run: number;
  call: number;
  name: string;
  type: string;
  rf: number[] | null;
  jump?: string[];
  why?: string;
}
interface GeometryGolden {
  source: { kind: 'torchvision' | 'example' | 'fixture'; file: string; expr: string };
  inputs: number[][];
  layers: Measured[];
}

function sourcePath(g: GeometryGolden): string {
  if (g.source.kind === 'torchvision') return join(torchvisionRoot ?? '/nonexistent', g.source.file);
  if (g.source.kind === 'example') return join(root, g.source.file);
  return join(sharedFixtures, g.source.file.split('/').pop()!);
}

/**
 * Where DESIGN.md's rule and autograd disagree, recorded rather than bent: after two or more
 * up-sampling layers DESIGN.md grows r by (span − 1)·j with a fractional j, which gives a fractional
 * rf (23/4), while the positions one output depends on are a whole number (6). Its definition says
 * "how many consecutive input pixels": the count is autograd's. Listed exactly (engine, torch), so
 * a change on either side shows here. `golden#call` → [engine rfExact, torch rf].
 */
const KNOWN: Record<string, [string, string]> = {
  'fixture_dcgan_Generator.json#9': ['23/4,23/4', '6,6'],
  'fixture_dcgan_Generator.json#10': ['23/4,23/4', '6,6'],
  'fixture_dcgan_Generator.json#11': ['23/4,23/4', '6,6'],
  'fixture_dcgan_Generator.json#12': ['47/8,47/8', '6,6'],
  'fixture_dcgan_Generator.json#13': ['47/8,47/8', '6,6'],
};

const goldens = readdirSync(geometryDir).filter((f) => f.endsWith('.json'));

test('the geometry goldens measure something', () => {
  let measured = 0;
  for (const name of goldens) {
    const g = JSON.parse(readFileSync(join(geometryDir, name), 'utf8')) as GeometryGolden;
    measured += g.layers.filter((l) => l.rf !== null).length;
  }
  assert.ok(goldens.length >= 10 && measured >= 350, `${goldens.length} files, ${measured} measured calls`);
});

for (const name of goldens) {
  const golden = JSON.parse(readFileSync(join(geometryDir, name), 'utf8')) as GeometryGolden;
  golden.inputs.forEach((input, run) => {
    const measured = golden.layers.filter((l) => l.run === run && l.rf !== null);
    if (measured.length === 0) return;
    test(`${name} at ${input.join('x')}: rf and jump of ${measured.length} calls`, () => {
      const file = sourcePath(golden);
      const text = readFileSync(file, 'utf8');
      const report = analyzeFile({ file, text, model: golden.source.expr, inputs: [input], timeLimitMs: 60_000, searchPaths, ...files });
      assert.equal(report.models.length, 1, JSON.stringify(report.diagnostics.filter((d) => d.severity === 'error')));
      const model = report.models[0]!;
      assert.equal(model.incomplete, false);
      const modules = model.layers.filter((l) => l.kind === 'module' && !l.notCalled);
      const wrong: string[] = [];
      for (const m of measured) {
        const got = modules[m.call];
        assert.ok(got, `call #${m.call} ${m.name} missing`);
        assert.equal(got.path, m.name, `call #${m.call}`);
        const rf = m.rf!.map(String);
        const known = KNOWN[`${name}#${m.call}`];
        if (known) {
          assert.deepEqual([got.rfExact.join(','), rf.join(',')], known, `#${m.call} ${m.name}: the recorded disagreement changed`);
          assert.deepEqual(got.jumpExact, m.jump, `#${m.call} ${m.name} jump`);
          continue;
        }
        if (JSON.stringify(got.rfExact) !== JSON.stringify(rf) || JSON.stringify(got.jumpExact) !== JSON.stringify(m.jump)) {
          wrong.push(`#${m.call} ${m.name} ${m.type}: engine rf ${got.rfExact} jump ${got.jumpExact}, torch rf ${rf} jump ${m.jump}`);
        }
      }
      assert.deepEqual(wrong, []);
    });
  });
}
