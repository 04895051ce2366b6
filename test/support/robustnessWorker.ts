// Runs one fixture file's share of the robustness cases in its own process (spawned by
// test/unit/robustness.test.ts), so that a failure that kills the process — a fatal V8 error from a
// runaway allocation, which no try/catch can stop — is still pinned to the case that caused it.
// Protocol on stdout: `case <label>` before each analysis, then one `result <json>` line.
//
//   node --import tsx test/support/robustnessWorker.ts FILE SEED COUNT TIME_LIMIT_MS

import { readFileSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyzeFile } from '../../server/src/engine/analyze';
import type { FileReport } from '../../server/src/engine/report';
import { mutate } from './mutations';
import { prng } from './prng';
import { problemsOf } from './reportProblems';

export interface WorkerResult {
  cases: number;
  failures: string[];
  slowestMs: number;
  /** Cases over the CPU-time limit (also among the failures). */
  timeouts?: number;
  /** Cases where analyzeFile threw (also among the failures). */
  exceptions?: number;
  /** The worker's peak resident memory (maxRSS) in MiB. */
  peakRssMb?: number;
}

const [path, seedText, countText, limitText] = process.argv.slice(2);
const name = basename(path);
const source = readFileSync(path, 'utf8');
const random = prng(Number(seedText));
const limitMs = Number(limitText);
// Synchronous writes: the last case label must be out before a crash.
const say = (line: string) => writeSync(1, line + '\n');

// Warm up once, so the first timed case does not pay for compilation.
analyzeFile({ file: name, text: source, readFile: () => null });

const result: WorkerResult = { cases: 0, failures: [], slowestMs: 0, timeouts: 0, exceptions: 0 };
for (let i = 0; i < Number(countText); i++) {
  const { text, steps } = mutate(source, random, /\.(ts|js|mts|cts|mjs|cjs|tsx|jsx)$/.test(name));
  const label = `${name} case ${i} (${steps.join('; ')})`;
  say(`case ${label}`);
  result.cases++;
  let report: FileReport;
  // The bound is on the work the analysis does: CPU time of this process, so that other test
  // files running beside this one on a 2-core machine do not count against it (wall time is
  // reported too). A runaway loop or allocation burns CPU and still fails.
  const start = process.cpuUsage();
  const wallStart = performance.now();
  try {
    // The editor's time bound (lsp/runAnalysis.ts) for both front ends.
    report = analyzeFile({ file: name, text, readFile: () => null, timeLimitMs: 200 });
  } catch (error) {
    result.failures.push(`${label}: threw ${(error as Error)?.stack?.split('\n').slice(0, 3).join(' | ') ?? String(error)}`);
    result.exceptions!++;
    continue;
  }
  const cpu = process.cpuUsage(start);
  const elapsed = (cpu.user + cpu.system) / 1000;
  const wall = performance.now() - wallStart;
  result.slowestMs = Math.max(result.slowestMs, Math.round(elapsed));
  if (elapsed >= limitMs) {
    result.failures.push(`${label}: took ${elapsed.toFixed(0)} ms of CPU (${wall.toFixed(0)} ms wall)`);
    result.timeouts!++;
  }
  for (const problem of problemsOf(report, name, text)) result.failures.push(`${label}: ${problem}`);
}
result.peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
say(`result ${JSON.stringify(result)}`);
