// The TensorFlow.js front end on broken text: every model file mutated many times (lines
// deleted, duplicated or swapped, text cut off, characters dropped, numbers changed) is analysed
// without an exception escaping, within the time bound, and every location it reports lies inside
// the text it was given.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeFile } from '../../server/src/engine/analyze';
import type { FileReport, SourceLocation } from '../../server/src/engine/report';
import { pick, prng, randomInt, type Random } from '../support/prng';

const MODELS = join(import.meta.dirname, 'models');
const MUTATIONS_PER_FILE = 30;

function mutate(text: string, random: Random): string {
  const lines = text.split('\n');
  const i = randomInt(random, lines.length);
  const j = randomInt(random, lines.length);
  switch (pick(random, ['delete', 'duplicate', 'swap', 'truncate', 'drop', 'number'] as const)) {
    case 'delete':
      lines.splice(i, 1 + randomInt(random, 3));
      return lines.join('\n');
    case 'duplicate':
      lines.splice(i, 0, lines[j]!);
      return lines.join('\n');
    case 'swap':
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join('\n');
    case 'truncate':
      return text.slice(0, randomInt(random, text.length));
    case 'drop': {
      const at = randomInt(random, text.length);
      return text.slice(0, at) + text.slice(at + 1 + randomInt(random, 4));
    }
    case 'number':
      return text.replace(/\b\d+\b/g, (n) => (random() < 0.2 ? String(pick(random, [0, 1, 3, 7, 1000, -2])) : n));
  }
}

function checkLocation(loc: SourceLocation, lines: number, what: string): void {
  assert.ok(loc.line >= 1 && loc.line <= lines + 1 && loc.endLine >= loc.line && loc.endLine <= lines + 1, `${what}: line ${loc.line}-${loc.endLine} of ${lines}`);
  assert.ok(loc.column >= 0 && loc.endColumn >= 0, `${what}: columns`);
}

function checkReport(report: FileReport, file: string, text: string): void {
  const lines = text.split('\n').length;
  for (const d of report.diagnostics) checkLocation(d, lines, `diagnostic ${d.message}`);
  for (const m of report.models) {
    for (const l of m.layers) {
      for (const loc of [...l.defined, ...l.called]) if (loc.file === file) checkLocation(loc, lines, `${m.name} ${l.path}`);
      for (const shape of [...l.in, ...l.out]) assert.ok(shape.every((d) => Number.isInteger(d) && d > 0), `${l.path}: shape ${shape.join('×')}`);
      assert.ok(Number.isFinite(l.params) && Number.isFinite(l.macs));
    }
    for (const v of m.values) checkLocation(v.location, lines, `value ${v.name}`);
  }
}

test(`${MUTATIONS_PER_FILE} mutations of every model file: no exception, locations inside the text`, () => {
  const random = prng(20240606);
  const files = readdirSync(MODELS).filter((f) => /\.(ts|js)$/.test(f));
  assert.ok(files.length >= 12);
  let slowest = 0;
  for (const name of files) {
    const original = readFileSync(join(MODELS, name), 'utf8');
    const file = join(MODELS, name);
    for (let n = 0; n < MUTATIONS_PER_FILE; n++) {
      const text = mutate(original, random);
      // CPU time of this process, not wall-clock: the bound must not depend on the machine's load.
      const started = process.cpuUsage();
      let report: FileReport;
      try {
        report = analyzeFile({ file, text, readFile: () => null, timeLimitMs: 2000 });
      } catch (e) {
        assert.fail(`${name}, mutation ${n}: ${e instanceof Error ? e.stack : String(e)}\n---\n${text}`);
      }
      const cpu = process.cpuUsage(started);
      slowest = Math.max(slowest, (cpu.user + cpu.system) / 1000);
      checkReport(report, file, text);
    }
  }
  assert.ok(slowest < 2500, `slowest analysis ${slowest.toFixed(0)} ms of CPU`);
});
