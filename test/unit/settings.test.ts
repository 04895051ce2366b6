// The settings the server reads: defaults, wrong types and the time limit's bounds, checked against
// what package.json declares to VS Code (the two must not drift apart).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, TIME_LIMIT_RANGE_MS, readSettings } from '../../server/src/lsp/settings';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { default?: unknown; minimum?: number; maximum?: number }> } };
};

test('the analysis time limit: 200 ms by default, as package.json declares, within its bounds', () => {
  const declared = manifest.contributes.configuration.properties['convlens.analysis.timeLimitMs'];
  assert.ok(declared);
  assert.equal(DEFAULT_SETTINGS.analysis.timeLimitMs, 200);
  assert.equal(declared.default, DEFAULT_SETTINGS.analysis.timeLimitMs);
  assert.equal(declared.minimum, TIME_LIMIT_RANGE_MS.min);
  assert.equal(declared.maximum, TIME_LIMIT_RANGE_MS.max);
  assert.equal(readSettings({}).analysis.timeLimitMs, 200);
  assert.equal(readSettings({ analysis: { timeLimitMs: 1500 } }).analysis.timeLimitMs, 1500);
  assert.equal(readSettings({ analysis: { timeLimitMs: 5 } }).analysis.timeLimitMs, 50);
  assert.equal(readSettings({ analysis: { timeLimitMs: 1e9 } }).analysis.timeLimitMs, 10_000);
  assert.equal(readSettings({ analysis: { timeLimitMs: 333.6 } }).analysis.timeLimitMs, 334);
  for (const wrong of ['1000', null, Number.NaN, Number.POSITIVE_INFINITY, true]) {
    assert.equal(readSettings({ analysis: { timeLimitMs: wrong } }).analysis.timeLimitMs, 200, String(wrong));
  }
});

test('a partial update keeps what it does not name', () => {
  const base = readSettings({ defaultImageSize: 64, analysis: { timeLimitMs: 900 } });
  const next = readSettings({ codeLens: { enable: false } }, base);
  assert.equal(next.defaultImageSize, 64);
  assert.equal(next.analysis.timeLimitMs, 900);
  assert.equal(next.codeLens.enable, false);
  assert.equal(readSettings({ analysis: 'fast' }, base).analysis.timeLimitMs, 900);
});
