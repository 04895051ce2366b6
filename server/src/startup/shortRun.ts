// V8's tiering for a process that runs one analysis and exits (the CLI). By default V8 hands a
// function to its optimising compiler (TurboFan, on background threads) after ~66 KB of its
// bytecode has run; in a run of a few hundred milliseconds most of that compiling is never paid
// back, yet it counts in the process's CPU time. A larger budget leaves only the really hot code
// to TurboFan: the CLI on ResNet-50 took ~20% less CPU, and a 10,000-line model (seconds of
// analysis) also less, where turning TurboFan off made that one slower (`npm run bench -- startup`).

import type * as V8 from 'node:v8';

/** Bytecode executed before a function is optimised (V8's default: 67,584). */
const INTERRUPT_BUDGET = 1_000_000;

/** Called by the CLI's entry before it compiles the analysis bundle: V8 keys its code cache by
 *  its flags, so every run must set them at the same point. */
export function tuneForShortRun(): void {
  // Required here: `convlens --help` does not load node:v8 (nor the stream modules it pulls in).
  (require('node:v8') as typeof V8).setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);
}
