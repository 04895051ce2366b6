// The engine on broken code: 1,000 deterministic mutations and truncations of the fixture
// models (what an editor sees while someone types), each analysed the way the editor does it
// (no --model, no --input). Nothing may escape as an exception, nothing may crash the process,
// no analysis may take 500 ms of CPU time or more (see robustnessWorker.ts), and what comes back must be well-formed enough for the
// CLI and the editor to print. Each fixture file's cases run in a child process
// (test/support/robustnessWorker.ts) so that a crash names the case that caused it.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnCpuBounded } from '../support/cpuBoundedSpawn';
import { mutate } from '../support/mutations';
import { prng } from '../support/prng';
import type { WorkerResult } from '../support/robustnessWorker';

const ROOT = resolve(import.meta.dirname, '../..');
const MODELS_DIR = resolve(ROOT, '../shared/fixtures/models');
const WORKER = join(ROOT, 'test/support/robustnessWorker.ts');
const TOTAL_CASES = 1000;
const TIME_LIMIT_MS = 500;
const SEED = 0x5eed_c0de;

const FILES = readdirSync(MODELS_DIR).filter((f) => f.endsWith('.py')).sort();
const CASES_PER_FILE = Math.ceil(TOTAL_CASES / FILES.length);
/** Every case at its CPU limit, plus the start: never reached by a worker that works. */
const FILE_CPU_SECONDS = Math.ceil((CASES_PER_FILE * TIME_LIMIT_MS) / 1000) + 30;

/** Runs one file's cases in a child process; a crash becomes a failure naming the last case. */
function runCases(name: string, seed: number): WorkerResult {
  const child = spawnCpuBounded(
    process.execPath,
    // A memory cap turns a runaway allocation into a prompt crash instead of a thrashing machine.
    ['--max-old-space-size=1024', '--import', 'tsx', WORKER, join(MODELS_DIR, name), String(seed), String(CASES_PER_FILE), String(TIME_LIMIT_MS)],
    // Each case is bounded by TIME_LIMIT_MS of CPU in the worker; this bounds the whole file's
    // cases on CPU too (a wall-clock bound failed under load: 50 s passed on a busy machine).
    FILE_CPU_SECONDS,
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const out = child.stdout.split('\n');
  const resultLine = out.find((l) => l.startsWith('result '));
  if (resultLine && child.status === 0) return JSON.parse(resultLine.slice('result '.length));
  const lastCase = out.filter((l) => l.startsWith('case ')).at(-1)?.slice('case '.length) ?? '(before the first case)';
  const how = child.stoppedBy ?? (child.error ? child.error.message : child.signal ? `signal ${child.signal}` : `exit status ${child.status}`);
  const why = child.stderr.split('\n').filter((l) => /error|Error/.test(l)).slice(0, 2).join(' | ');
  return { cases: 0, failures: [`${lastCase}: the process died (${how}) ${why}`], slowestMs: NaN };
}

describe('robustness on mutated fixture models', () => {
  test('the fixtures are there', () => {
    assert.ok(FILES.length >= 5, `fixture models in ${MODELS_DIR}: ${FILES}`);
  });

  FILES.forEach((name, fileIndex) => {
    test(`${CASES_PER_FILE} mutations of ${name}`, () => {
      const result = runCases(name, SEED + fileIndex);
      assert.deepEqual(result.failures.slice(0, 10), [], `${result.failures.length} failures; slowest ${result.slowestMs} ms`);
      assert.equal(result.cases, CASES_PER_FILE);
    });
  });

  test('the mutations are deterministic and varied', () => {
    const source = readFileSync(join(MODELS_DIR, FILES[0]), 'utf8');
    const run = () => {
      const random = prng(SEED);
      return Array.from({ length: 50 }, () => mutate(source, random).text);
    };
    const first = run();
    assert.deepEqual(run(), first);
    assert.ok(new Set(first).size > 40, 'mutations repeat');
  });
});
