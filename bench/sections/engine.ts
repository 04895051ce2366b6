// The engine's speed: bare parse (lezer + AST conversion) against full analysis, on
// fixtures/models/resnet.py (every cases.tsv row for it) and on a generated 10,000-line file.
// Targets: analysis of the large file within 3× its bare parse (the interpreter must not cost
// much more than reading the file), and all of resnet.py's cases together under 20 ms. Timed on
// the engine as it ships, bundled (bench/engineBundle.ts); resnet.py's total also from the
// TypeScript sources run through tsx, for comparison.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as sources from '../engineEntry';
import { loadBundledEngine } from '../engineBundle';
import type { AnalyzeOptions } from '../../server/src/engine/report';
import { parseShapes } from '../../server/src/cliArgs';
import { generateModel } from '../generateModel';
import { DEFAULT_RUNS, DEFAULT_WARMUP, DEFAULT_WARMUP_MS, measure, ms } from '../measure';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = resolve(ROOT, '../shared/fixtures');
const RESNET_TOTAL_TARGET_MS = 20;
const PARSE_RATIO_TARGET = 3;

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
    .map(([, model, input]) => ({ model, inputs: parseShapes(input) }));
}

const noImports = (): string | null => null;
/** The benchmark measures complete analyses, as the CLI runs them (not the editor's 200 ms cut-off). */
const COMPLETE = 60_000;

const { analyzeFile, parsePython, forgetParsedFile } = loadBundledEngine();

let fresh = 0;
/** Each timed analysis reads the file as new (another path: no parse cache, no incremental
 *  re-parse), so "analysis" includes the parse it is compared with. */
const cold = (options: AnalyzeOptions) => (): unknown => {
  const file = `${options.file}#${fresh++}`;
  const report = analyzeFile({ ...options, file });
  // The engine keeps the parses of the last 1,024 paths: hundreds of copies of one file, a
  // benchmark's artefact that no editor session has, would only grow the heap the GC walks.
  forgetParsedFile(file);
  return report;
};

function summary(options: AnalyzeOptions) {
  const report = analyzeFile(options);
  return {
    models: report.models.length,
    layers: report.models.reduce((n, m) => n + m.layers.length, 0),
    diagnostics: report.diagnostics.length,
  };
}

function resnet() {
  const file = join(FIXTURES, 'models/resnet.py');
  const text = readFileSync(file, 'utf8');
  const parse = measure(() => parsePython(text));
  const rows = casesFor('resnet.py');
  const cases = rows.map(({ model, inputs }) => {
    const options: AnalyzeOptions = { file, text, readFile: noImports, model, inputs, timeLimitMs: COMPLETE };
    const analysis = measure(cold(options));
    return { model, inputs, analysisMs: analysis.median, ratio: ms(analysis.median / parse.median), ...summary(options) };
  });
  // All the file's cases as one workload: the file is read once (the first analysis parses it,
  // the others find it in the engine's parse cache), then every model is built and run. As a
  // keystroke analyses them (the valid-size scan deferred to a pause or a hover: the target), and
  // complete, with the scan (as the CLI and the hover get them).
  const allOf = (validSizes: AnalyzeOptions['validSizes'], engine: Pick<typeof sources, 'analyzeFile' | 'forgetParsedFile'> = { analyzeFile, forgetParsedFile }) => measure(() => {
    const path = `${file}#all${fresh++}`;
    for (const { model, inputs } of rows) engine.analyzeFile({ file: path, text, readFile: noImports, model, inputs, timeLimitMs: COMPLETE, validSizes });
    engine.forgetParsedFile(path);
  });
  const all = allOf('whenInputFails');
  const complete = allOf('always');
  const fromSources = allOf('whenInputFails', sources);
  return {
    file: 'fixtures/models/resnet.py',
    lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0),
    parseMs: parse.median,
    cases,
    /** Sum of the cases each read as a new file (each pays the parse). */
    separateTotalMs: ms(cases.reduce((sum, c) => sum + c.analysisMs, 0)),
    analysisTotalMs: all.median,
    completeTotalMs: complete.median,
    /** The same workload as analysisTotalMs, run from the TypeScript sources through tsx. */
    sourcesTotalMs: fromSources.median,
    targetTotalMs: RESNET_TOTAL_TARGET_MS,
    pass: all.median < RESNET_TOTAL_TARGET_MS,
  };
}

function generated() {
  const model = generateModel();
  const parse = measure(() => parsePython(model.text));
  const options: AnalyzeOptions = { file: 'generated.py', text: model.text, readFile: noImports, model: model.model, inputs: model.input, timeLimitMs: COMPLETE };
  const analysis = measure(cold(options));
  // What the editor does on open: every root model, inputs inferred.
  const editorOptions: AnalyzeOptions = { file: 'generated.py', text: model.text, readFile: noImports, timeLimitMs: COMPLETE };
  const editor = measure(cold(editorOptions));
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
    ...summary(options),
    allRootsAnalysisMs: editor.median,
    allRootsRatio: ms(editor.median / parse.median),
    allRoots: summary(editorOptions),
    pass: ratio <= PARSE_RATIO_TARGET,
  };
}

export default async function engine() {
  const r = resnet();
  const g = generated();
  return { runs: DEFAULT_RUNS, warmup: `${DEFAULT_WARMUP} runs and ${DEFAULT_WARMUP_MS} ms`, resnet: r, generated: g, pass: r.pass && g.pass };
}
