// The engine's speed: bare parse (lezer + AST conversion) against full analysis, on
// fixtures/models/resnet.py (every cases.tsv row for it) and on a generated 10,000-line file.
// Targets: analysis of the large file within 3× its bare parse (the interpreter must not cost
// much more than reading the file), and all of resnet.py's cases together under 20 ms. Timed on
// the engine as it ships, bundled (bench/engineBundle.ts); resnet.py's total also from the
// TypeScript sources run through tsx, for comparison. Each workload runs in a Node process of
// its own (bench/engineWorkloads.ts says why).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildEngineBundle } from '../engineBundle';
import { resnetText, type Workload, type WorkloadResult } from '../engineWorkloads';
import { generateModel } from '../generateModel';
import { DEFAULT_RUNS, DEFAULT_WARMUP, DEFAULT_WARMUP_MS, ms, type Timing } from '../measure';

const RESNET_TOTAL_TARGET_MS = 20;
const PARSE_RATIO_TARGET = 3;
const WORKLOADS = resolve(import.meta.dirname, '../engineWorkloads.ts');
const RESNET_ALL_PROCESSES = 3;

/** The timing whose median is the median of these (an odd number of them). */
function medianTiming(timings: readonly Timing[]): Timing {
  return [...timings].sort((a, b) => a.median - b.median)[timings.length >> 1]!;
}

/** One workload in a fresh Node process, on the bundle at `engine` (or `sources`). */
function inProcess<W extends Workload>(workload: W, engine: string): WorkloadResult<W> {
  const child = spawnSync(process.execPath, ['--import', 'tsx', WORKLOADS, workload, engine], { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
  if (child.status !== 0) throw new Error(`the ${workload} workload failed: ${child.stderr || child.stdout}`);
  return JSON.parse(child.stdout) as WorkloadResult<W>;
}

function resnet(engine: string) {
  const text = resnetText();
  const parse = inProcess('resnetParse', engine);
  const cases = inProcess('resnetCases', engine).map((c) => ({ ...c, ratio: ms(c.analysisMs / parse.median) }));
  // The workload's time differs from one process to the next more than within one (13.5 to 29.7 ms
  // settled, in eight processes of one build at one sitting): the median of a few processes.
  const alls = Array.from({ length: RESNET_ALL_PROCESSES }, () => inProcess('resnetAll', engine));
  const all = { settled: medianTiming(alls.map((a) => a.settled)), shortWarmup: medianTiming(alls.map((a) => a.shortWarmup)) };
  return {
    file: 'fixtures/models/resnet.py',
    lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0),
    parseMs: parse.median,
    cases,
    /** Sum of the cases each read as a new file (each pays the parse). */
    separateTotalMs: ms(cases.reduce((sum, c) => sum + c.analysisMs, 0)),
    /** Once the JIT has settled (the target: the engine as a server that has been analysing runs it). */
    analysisTotalMs: all.settled.median,
    /** The same after the usual warm-up only (the process's first ~10 runs of the workload). */
    analysisTotalAfterShortWarmupMs: all.shortWarmup.median,
    analysisTotalPerProcessMs: alls.map((a) => a.settled.median),
    completeTotalMs: inProcess('resnetComplete', engine).median,
    /** The same workload as analysisTotalMs, run from the TypeScript sources through tsx. */
    sourcesTotalMs: inProcess('resnetAll', 'sources').settled.median,
    targetTotalMs: RESNET_TOTAL_TARGET_MS,
    pass: all.settled.median < RESNET_TOTAL_TARGET_MS,
  };
}

function generated(engine: string) {
  const model = generateModel();
  const parse = inProcess('generatedParse', engine);
  const { timing: analysis, ...analysed } = inProcess('generatedAnalysis', engine);
  const { timing: editor, ...editorSummary } = inProcess('generatedEditor', engine);
  const ratio = ms(analysis.median / parse.median);
  return {
    lines: model.lines,
    classes: model.classes,
    functions: model.functions,
    stagesUsed: model.stagesUsed,
    stagesDefined: model.stagesDefined,
    model: model.model,
    parseMs: parse.median,
    analysisMs: analysis.median,
    ratio,
    targetRatio: PARSE_RATIO_TARGET,
    ...analysed,
    allRootsAnalysisMs: editor.median,
    allRootsRatio: ms(editor.median / parse.median),
    allRoots: editorSummary,
    pass: ratio <= PARSE_RATIO_TARGET,
  };
}

export default async function engine() {
  const dir = mkdtempSync(join(tmpdir(), 'convlens-bench-engine-'));
  try {
    const bundle = join(dir, 'engine.cjs');
    buildEngineBundle(bundle);
    const r = resnet(bundle);
    const g = generated(bundle);
    return {
      runs: DEFAULT_RUNS, warmup: `${DEFAULT_WARMUP} runs and ${DEFAULT_WARMUP_MS} ms`, processes: 'a fresh Node process per workload (bench/engineWorkloads.ts)',
      resnet: r, generated: g, pass: r.pass && g.pass,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
