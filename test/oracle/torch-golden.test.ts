// Real PyTorch as the oracle: golden traces made by scripts/golden/trace_models.py (forward hooks
// on every leaf module, torch 1.13 / torchvision 0.14.1) against the engine's analysis of the
// same source — torchvision's own model files analysed in place, our examples, the fixtures.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeFile } from '../../server/src/engine/analyze';
import { discoverSearchPath } from '../../server/src/pythonEnvironment/searchPath';
import { nodeFileAccess } from '../../server/src/pythonEnvironment/fileAccess';
import { assertMatchesGolden, readGolden, type Golden } from '../support/torchGolden';

const root = resolve(__dirname, '../..');
const goldenDir = join(root, 'test/golden/torch');
const files = nodeFileAccess();

/** The installed torchvision (Debian's python3-torchvision, which `.ci/run` installs), found the
 *  way the CLI finds libraries: the search path discovered from files, then the first entry that
 *  holds the package. The goldens were traced with that same package (0.14.1). */
const searchPaths = discoverSearchPath({ file: join(root, 'test/oracle/model.py'), cwd: root, env: { HOME: process.env.HOME } });
const torchvisionRoot = searchPaths.map((e) => e.path).find((p) => files.readFile(join(p, 'torchvision/__init__.py')) !== null);

test('the installed torchvision is the version the goldens were traced with', () => {
  assert.ok(torchvisionRoot, `torchvision not found on ${searchPaths.map((e) => e.path).join(', ')}: apt-get install python3-torchvision`);
  assert.match(files.readFile(join(torchvisionRoot, 'torchvision/version.py')) ?? '', /__version__ = '0\.14\.1/);
});
const sharedFixtures = resolve(root, '../shared/fixtures/models');

type Source = { kind: 'torchvision' | 'example' | 'fixture'; file: string; expr: string };

function sourcePath(g: Golden<Source>): string {
  if (g.source.kind === 'torchvision') return join(torchvisionRoot ?? '/nonexistent', g.source.file);
  if (g.source.kind === 'example') return join(root, g.source.file);
  return join(sharedFixtures, g.source.file.split('/').pop()!);
}

for (const name of readdirSync(goldenDir).filter((f) => /^(torchvision|example|style|fixture)_.*\.json$/.test(f))) {
  const golden = readGolden<Source>(join(goldenDir, name));
  test(`${name}: ${golden.source.expr}`, () => {
    const file = sourcePath(golden);
    const text = readFileSync(file, 'utf8');
    const report = analyzeFile({ file, text, model: golden.source.expr, inputs: golden.input, timeLimitMs: 60_000, searchPaths, ...files });
    assert.equal(report.models.length, 1, JSON.stringify(report.diagnostics.filter((d) => d.severity === 'error')));
    const model = report.models[0]!;
    assertMatchesGolden(report, golden);
  });
}
