// The engine benchmark's workloads, each timed in a Node process of its own
// (`node --import tsx bench/engineWorkloads.ts <workload> <engine bundle>`, one JSON line out).
//
// Why a process each: V8 learns from what a process has run, and what it learns from one
// workload changes the next one's time. Its allocation-site pretenuring is the measured case: after
// 300 ms of bare parses (the parse figure), resnet.py's eight cases took 22.6–42.3 ms instead of
// 14.0–15.7 (four paired runs; with `--no-allocation-site-pretenuring`, 15.3 after the parses) —
// the parse loop's survivors teach V8 to allocate in the old generation what the analysis drops at once. No
// editor or CLI process parses without analysing, so each figure comes from a process that runs
// only the workload it names, as the server and the CLI run only analyses.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { AnalyzeOptions } from '../server/src/engine/report';
import { parseShapes } from '../server/src/cliArgs';
import { generateModel } from './generateModel';
import { measure, type Timing } from './measure';

type EngineApi = typeof import('./engineEntry');

const FIXTURES = resolve(import.meta.dirname, '../../shared/fixtures');
const RESNET = join(FIXTURES, 'models/resnet.py');
const noImports = (): string | null => null;
/** The benchmark measures complete analyses, as the CLI runs them (not the editor's 200 ms cut-off). */
const COMPLETE = 60_000;

interface Case {
  model: string;
  inputs: number[][];
}

/** The cases.tsv rows for one model file: file, model expression, input shape, ... */
function casesFor(file: string): Case[] {
  return readFileSync(join(FIXTURES, 'cases.tsv'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .map((line) => line.split('\t'))
    .filter(([f]) => f === file)
    .map(([, model, input]) => ({ model: model!, inputs: parseShapes(input!) }));
}

export const resnetText = (): string => readFileSync(RESNET, 'utf8');

/** What the parent process gets back from each workload. */
interface ResnetCaseResult extends Case {
  analysisMs: number;
  models: number;
  layers: number;
  diagnostics: number;
}

function summary(engine: EngineApi, options: AnalyzeOptions) {
  const report = engine.analyzeFile(options);
  return {
    models: report.models.length,
    layers: report.models.reduce((n, m) => n + m.layers.length, 0),
    diagnostics: report.diagnostics.length,
  };
}

let fresh = 0;
/** Each timed analysis reads the file as new (another path: no parse cache, no incremental
 *  re-parse), so "analysis" includes the parse it is compared with. */
const cold = (engine: EngineApi, options: AnalyzeOptions) => (): unknown => {
  const file = `${options.file}#${fresh++}`;
  const report = engine.analyzeFile({ ...options, file });
  // The engine keeps the parses of the last 1,024 paths: hundreds of copies of one file, a
  // benchmark's artefact that no editor session has, would only grow the heap the GC walks.
  engine.forgetParsedFile(file);
  return report;
};

/** All of resnet.py's cases as one workload: the file is read once (the first analysis parses
 *  it, the others find it in the engine's parse cache), then every model is built and run. */
const allCases = (engine: EngineApi, validSizes: AnalyzeOptions['validSizes']) => {
  const text = resnetText();
  const rows = casesFor('resnet.py');
  return () => {
    const path = `${RESNET}#all${fresh++}`;
    for (const { model, inputs } of rows) engine.analyzeFile({ file: path, text, readFile: noImports, model, inputs, timeLimitMs: COMPLETE, validSizes });
    engine.forgetParsedFile(path);
  };
};

/** The generated file analysed as a new file each time, with its model named or not. */
function generatedRun(engine: EngineApi, namedModel: boolean) {
  const model = generateModel();
  const options: AnalyzeOptions = {
    file: 'generated.py', text: model.text, readFile: noImports, timeLimitMs: COMPLETE, ...(namedModel ? { model: model.model, inputs: model.input } : {}),
  };
  return { timing: measure(cold(engine, options)), ...summary(engine, options) };
}

/** How long the eight cases run before the settled figure is taken. Measured, run after run
 *  in a fresh process (one quiet run, ms per workload): 246, 147, 104, 69, 48, ... 20 by the
 *  20th run (≈ 1.5 s), 15–16 by the 60th, 14–15 from the 150th (≈ 2.5 s) on: V8 keeps
 *  optimising the interpreter's functions for seconds, as it does in a server that has analysed
 *  for a while. */
const SETTLE_MS = 3000;

const workloads = {
  /** lezer + AST conversion of resnet.py, nothing else. */
  resnetParse: (engine: EngineApi): Timing => {
    const text = resnetText();
    return measure(() => engine.parsePython(text));
  },
  /** Each case read as a new file (each pays the parse). */
  resnetCases: (engine: EngineApi): ResnetCaseResult[] => {
    const text = resnetText();
    return casesFor('resnet.py').map(({ model, inputs }) => {
      const options: AnalyzeOptions = { file: RESNET, text, readFile: noImports, model, inputs, timeLimitMs: COMPLETE };
      const analysis = measure(cold(engine, options));
      return { model, inputs, analysisMs: analysis.median, ...summary(engine, options) };
    });
  },
  /** As a keystroke analyses them: the valid-size scan deferred to a pause or a hover (the target).
   *  Timed twice in the process: after the usual warm-up, and once the JIT has settled. */
  resnetAll: (engine: EngineApi): { shortWarmup: Timing; settled: Timing } => {
    const all = allCases(engine, 'whenInputFails');
    const shortWarmup = measure(all);
    return { shortWarmup, settled: measure(all, { warmupMs: SETTLE_MS }) };
  },
  /** Complete, with the size scan (as the CLI and the hover get them), once settled. */
  resnetComplete: (engine: EngineApi): Timing => measure(allCases(engine, 'always'), { warmupMs: SETTLE_MS }),
  generatedParse: (engine: EngineApi): Timing => {
    const model = generateModel();
    return measure(() => engine.parsePython(model.text));
  },
  /** Its model, as the CLI is asked for it. */
  generatedAnalysis: (engine: EngineApi) => generatedRun(engine, true),
  /** What the editor does on open: every root model, inputs inferred. */
  generatedEditor: (engine: EngineApi) => generatedRun(engine, false),
};

export type Workload = keyof typeof workloads;
export type WorkloadResult<W extends Workload> = ReturnType<(typeof workloads)[W]>;

/** `<workload> <engine>`: the engine is a bundle's path, or `sources` for the TypeScript
 *  sources run through tsx. */
async function main(name: string | undefined, engineFrom: string | undefined): Promise<void> {
  const run = workloads[name as Workload] as ((engine: EngineApi) => unknown) | undefined;
  if (!run || !engineFrom) {
    process.stderr.write(`usage: engineWorkloads.ts <${Object.keys(workloads).join('|')}> <bundle path|sources>\n`);
    process.exitCode = 2;
    return;
  }
  const engine: EngineApi = engineFrom === 'sources' ? await import('./engineEntry') : createRequire(import.meta.url)(engineFrom) as EngineApi;
  process.stdout.write(JSON.stringify(run(engine)) + '\n');
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.dirname, 'engineWorkloads.ts')) void main(process.argv[2], process.argv[3]);
