// Timing for the benchmark sections: warm up, then time a number of runs and keep the median
// (robust to the odd garbage collection or scheduler hiccup on a shared machine).

import { performance } from 'node:perf_hooks';

export interface Timing {
  /** Milliseconds. */
  median: number;
  min: number;
  max: number;
  runs: number;
}

export interface MeasureOptions {
  /** Warm-up runs, at least this many... */
  warmup?: number;
  /** ...and for at least this long, so the JIT has settled before the timed runs. */
  warmupMs?: number;
  runs?: number;
}

export const DEFAULT_RUNS = 25;
export const DEFAULT_WARMUP = 5;
export const DEFAULT_WARMUP_MS = 300;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Rounded to microseconds: more digits would be noise. */
export const ms = (value: number): number => Math.round(value * 1000) / 1000;

export function measure(fn: () => unknown, options: MeasureOptions = {}): Timing {
  const runs = options.runs ?? DEFAULT_RUNS;
  const warmupUntil = performance.now() + (options.warmupMs ?? DEFAULT_WARMUP_MS);
  for (let i = 0; i < (options.warmup ?? DEFAULT_WARMUP) || performance.now() < warmupUntil; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return { median: ms(median(times)), min: ms(Math.min(...times)), max: ms(Math.max(...times)), runs };
}
