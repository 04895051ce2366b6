// Real PyTorch as the oracle for models built from an installed library: tinytimm, our own small
// package written in timm's idioms (a registry filled by @register_model, a builder taking config
// dataclasses, a features-only wrapper, **kwargs forwarded through factories), installed in a test
// site-packages. The project files under test/fixtures/libraries/project import it the way users
// import timm; the engine finds it through an `environment` search-path entry, as it would find a
// virtual environment's site-packages. Goldens: scripts/golden/trace_models.py (`libfix_*`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeFile } from '../../server/src/engine/analyze';

const root = resolve(__dirname, '../..');
const goldenDir = join(root, 'test/golden/torch');
const sitePackages = join(root, 'test/fixtures/libraries/site-packages');

interface GoldenLayer {
  name: string | null;
  type: string;
  in: number[][];
  out: number[][];
  params: number;
  macs: number;
}
interface Golden {
  source: { kind: 'library'; file: string; expr: string; library: { name: string; version: string; path: string } };
  input: number[][];
  params: number;
  macs: number;
  outputs: number[][];
  layers: GoldenLayer[];
}

const readFile = (p: string): string | null => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
};
const isDirectory = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};
const listDirectory = (p: string): string[] | null => {
  try {
    return readdirSync(p);
  } catch {
    return null;
  }
};

for (const name of readdirSync(goldenDir).filter((f) => /^libfix_.*\.json$/.test(f))) {
  const golden = JSON.parse(readFileSync(join(goldenDir, name), 'utf8')) as Golden;
  test(`${name}: ${golden.source.expr}`, () => {
    const file = join(root, golden.source.file);
    const text = readFileSync(file, 'utf8');
    const report = analyzeFile({
      file,
      text,
      readFile,
      model: golden.source.expr,
      inputs: golden.input,
      searchPaths: [{ path: sitePackages, kind: 'environment', source: 'test site-packages' }],
      isDirectory,
      listDirectory,
      timeLimitMs: 60_000,
    });
    assert.equal(report.models.length, 1, JSON.stringify(report.diagnostics.filter((d) => d.severity !== 'info')));
    const model = report.models[0]!;
    assert.deepEqual(report.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.deepEqual(
      (report.libraries ?? []).filter((l) => l.name === 'tinytimm'),
      [{ name: 'tinytimm', version: '0.3.1', path: join(root, golden.source.library.path) }],
      'libraries',
    );
    assert.equal(model.incomplete, false, JSON.stringify(report.diagnostics.filter((d) => d.severity !== 'info')));
    assert.equal(model.params, golden.params, 'params');
    assert.equal(model.macs, golden.macs, 'macs');
    assert.deepEqual(model.outputs, golden.outputs, 'outputs');
    const modules = model.layers.filter((l) => l.kind === 'module');
    const expected = golden.layers.filter((l) => l.name !== null);
    assert.equal(modules.length, expected.length, 'module calls');
    expected.forEach((e, i) => {
      const got = modules[i]!;
      const where = `#${i} ${e.name}`;
      assert.equal(got.path, e.name, `${where} path`);
      assert.equal(got.op, e.type, `${where} type`);
      assert.deepEqual(got.in.slice(0, e.in.length), e.in, `${where} in`);
      assert.deepEqual(got.out, e.out, `${where} out`);
      assert.equal(got.macs, e.macs, `${where} macs`);
    });
    // Each module's own parameters, on its first call, as torch counts them.
    const byPath = new Map(expected.map((e) => [e.name, e.params]));
    for (const l of modules) if (l.params) assert.equal(l.params, byPath.get(l.path), `${l.path} params`);
  });
}
