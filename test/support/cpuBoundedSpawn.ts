// A child process bounded by the CPU time it uses, not by the wall clock: on a machine busy with
// other work a child gets its share of the cores later, not more work, so a CPU-time bound fails
// only a child that really runs away. The kernel enforces it (`ulimit -t`: SIGXCPU, then SIGKILL).
// The wall-clock timeout left is a backstop for a child that hangs without using CPU, set many
// times above the CPU bound so that load alone never reaches it.

import { spawnSync, type SpawnSyncOptionsWithStringEncoding, type SpawnSyncReturns } from 'node:child_process';

export interface CpuBoundedResult extends SpawnSyncReturns<string> {
  /** Why the child was stopped by a bound, in words for an assertion message; null when it ended by itself. */
  stoppedBy: string | null;
}

const WALL_BACKSTOP_FACTOR = 20;

export function spawnCpuBounded(
  command: string,
  args: readonly string[],
  cpuSeconds: number,
  options: Omit<SpawnSyncOptionsWithStringEncoding, 'timeout'> = { encoding: 'utf8' },
): CpuBoundedResult {
  if (!Number.isInteger(cpuSeconds) || cpuSeconds < 1) throw new Error(`cpuSeconds must be a whole number of seconds, got ${cpuSeconds}`);
  const wallMs = cpuSeconds * 1000 * WALL_BACKSTOP_FACTOR;
  // `exec` keeps the child's pid, signals and exit status those of the command itself.
  const r = spawnSync('/bin/sh', ['-c', `ulimit -t ${cpuSeconds} && exec "$0" "$@"`, command, ...args], { ...options, encoding: 'utf8', timeout: wallMs });
  let stoppedBy: string | null = null;
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') stoppedBy = `it did not end within ${wallMs / 1000} s of wall-clock time (a hang: the CPU bound is ${cpuSeconds} s)`;
  else if (r.signal === 'SIGXCPU' || r.signal === 'SIGKILL') stoppedBy = `it used more than ${cpuSeconds} s of CPU time (${r.signal})`;
  return { ...r, stoppedBy };
}
