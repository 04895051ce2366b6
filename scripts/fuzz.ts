// `npm run fuzz [-- --count N --seed S --limit-ms MS]`: N mutated model files (default 10,000;
// Python and TypeScript/JavaScript: the shared fixtures, examples/ and test/tfjs/models/), each
// analysed as the editor does (no --model, no --input), in worker processes capped at 1 GB of V8
// heap, two at a time. Prints one JSON object: cases, exceptions (analyzeFile threw), crashes (a
// worker died), timeouts (CPU time at or over the limit, default 500 ms), other malformed reports,
// the slowest case and the workers' peak RSS; exit status 1 when any case failed. The same workers
// and mutations as test/unit/robustness.test.ts, which runs 1,000 of them in `npm test`.

import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { WorkerResult } from '../test/support/robustnessWorker';

const ROOT = resolve(import.meta.dirname, '..');
const WORKER = join(ROOT, 'test/support/robustnessWorker.ts');
const PARALLEL = 2;
/** Cases per worker process: small enough that a crash loses little, large enough to amortise start-up. */
const CASES_PER_WORKER = 250;

export function fuzzSources(): string[] {
  const list = (dir: string, pattern: RegExp) => readdirSync(dir).filter((f) => pattern.test(f)).sort().map((f) => join(dir, f));
  return [
    ...list(resolve(ROOT, '../shared/fixtures/models'), /\.py$/),
    ...list(join(ROOT, 'examples'), /\.py$/),
    ...list(join(ROOT, 'test/tfjs/models'), /\.(ts|js)$/),
  ];
}

interface Job {
  file: string;
  seed: number;
  count: number;
}

function runWorker(job: Job, limitMs: number): Promise<WorkerResult & { crashed: boolean }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--max-old-space-size=1024', '--import', 'tsx', WORKER, job.file, String(job.seed), String(job.count), String(limitMs)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString().slice(-4000)));
    // A worker that hangs past every case's bound is a failure of its last case.
    const timer = setTimeout(() => child.kill('SIGKILL'), job.count * limitMs * 4 + 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const lines = stdout.split('\n');
      const resultLine = lines.find((l) => l.startsWith('result '));
      if (resultLine && code === 0) {
        done({ ...(JSON.parse(resultLine.slice('result '.length)) as WorkerResult), crashed: false });
        return;
      }
      const last = lines.filter((l) => l.startsWith('case ')).at(-1)?.slice('case '.length) ?? '(before the first case)';
      const cases = lines.filter((l) => l.startsWith('case ')).length;
      const why = stderr.split('\n').filter((l) => /error|Error/.test(l)).slice(0, 2).join(' | ');
      done({ cases, failures: [`${last}: the process died (${signal ?? `exit ${code}`}) ${why}`], slowestMs: NaN, crashed: true });
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { count: { type: 'string', default: '10000' }, seed: { type: 'string', default: '20261206' }, 'limit-ms': { type: 'string', default: '500' } } });
  const count = Number(values.count);
  const seed = Number(values.seed);
  const limitMs = Number(values['limit-ms']);
  if (!(count > 0) || !Number.isInteger(seed) || !(limitMs > 0)) throw new Error('--count, --seed and --limit-ms take positive numbers');
  const sources = fuzzSources();
  const perFile = Math.ceil(count / sources.length);
  const jobs: Job[] = [];
  sources.forEach((file, i) => {
    for (let done = 0, part = 0; done < perFile; done += CASES_PER_WORKER, part++) {
      jobs.push({ file, seed: seed + i * 1000 + part, count: Math.min(CASES_PER_WORKER, perFile - done) });
    }
  });
  const started = performance.now();
  const results: (WorkerResult & { crashed: boolean })[] = [];
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      results.push(await runWorker(job, limitMs));
      process.stderr.write(`fuzz: ${results.reduce((n, r) => n + r.cases, 0)} cases\r`);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, lane));
  process.stderr.write('\n');
  const failures = results.flatMap((r) => r.failures);
  const summary = {
    cases: results.reduce((n, r) => n + r.cases, 0),
    sources: sources.length,
    seed,
    limitMs,
    exceptions: results.reduce((n, r) => n + (r.exceptions ?? 0), 0),
    crashes: results.filter((r) => r.crashed).length,
    timeouts: results.reduce((n, r) => n + (r.timeouts ?? 0), 0),
    otherProblems: failures.length - results.reduce((n, r) => n + (r.exceptions ?? 0) + (r.timeouts ?? 0) + (r.crashed ? 1 : 0), 0),
    slowestMs: Math.max(0, ...results.map((r) => r.slowestMs).filter(Number.isFinite)),
    peakRssMb: Math.max(0, ...results.map((r) => r.peakRssMb ?? 0)),
    wallSeconds: Math.round((performance.now() - started) / 100) / 10,
    failures: failures.slice(0, 50),
  };
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  process.exitCode = failures.length > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  process.stderr.write(`fuzz: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
