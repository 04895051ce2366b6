// Real PyTorch as the oracle for models built from an installed library: tinytimm, our own small
// package written in timm's idioms (a registry filled by @register_model, a builder taking config
// dataclasses, a features-only wrapper, **kwargs forwarded through factories), installed in a test
// site-packages. The project files under test/fixtures/libraries/project import it the way users
// import timm; the engine finds it through an `environment` search-path entry, as it would find a
// virtual environment's site-packages. Goldens: scripts/golden/trace_models.py (`libfix_*`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeFile } from '../../server/src/engine/analyze';
import { nodeFileAccess } from '../../server/src/pythonEnvironment/fileAccess';
import { assertMatchesGolden, readGolden } from '../support/torchGolden';

const root = resolve(__dirname, '../..');
const goldenDir = join(root, 'test/golden/torch');
const sitePackages = join(root, 'test/fixtures/libraries/site-packages');

type Source = { kind: 'library'; file: string; expr: string; library: { name: string; version: string; path: string } };
const files = nodeFileAccess();

for (const name of readdirSync(goldenDir).filter((f) => /^libfix_.*\.json$/.test(f))) {
  const golden = readGolden<Source>(join(goldenDir, name));
  test(`${name}: ${golden.source.expr}`, () => {
    const file = join(root, golden.source.file);
    const text = readFileSync(file, 'utf8');
    const report = analyzeFile({
      file,
      text,
      ...files,
      model: golden.source.expr,
      inputs: golden.input,
      searchPaths: [{ path: sitePackages, kind: 'environment', source: 'test site-packages' }],
      timeLimitMs: 60_000,
    });
    assertMatchesGolden(report, golden);
    assert.deepEqual(
      (report.libraries ?? []).filter((l) => l.name === 'tinytimm'),
      [{ name: 'tinytimm', version: '0.3.1', path: join(root, golden.source.library.path) }],
      'libraries',
    );
  });
}
