// One engine run for one document: the engine reads imported files through us, so we learn the
// document's dependencies (the user's own modules and the installed libraries' files alike); the
// `defaultInputShape` setting fills in models whose input would otherwise be guessed from the first
// layer; the module search path (searchPathProvider.ts) tells the engine where `import torchvision`
// and the user's own packages are.

import { dirname, resolve } from 'node:path';
import { analyzeFile, sizeScanTimeMs } from '../engine/analyze';
import type { PyModule } from '../engine/python/ast';
import { parsedFile } from '../engine/python/interpreter';
import { TYPESCRIPT_FILE } from '../engine/typescript/fileKinds';
import type { FileReport, SearchPathEntry } from '../engine/report';
import { type FileAccess, MAX_SOURCE_BYTES, MAX_SOURCE_DESCRIPTION, nodeFileAccess } from '../pythonEnvironment/fileAccess';
import { astDiskCacheFromEnv } from '../pythonEnvironment/astDiskCache';
import type { ConvLensSettings } from './protocol';
import { parseShapeList } from './settings';

export interface AnalysisInput {
  file: string;
  text: string;
  settings: ConvLensSettings;
  /** The text of an open document at that path (it wins over the disk), or undefined. */
  openText: (path: string) => string | undefined;
  /** Where absolute imports are looked for after the file's own folder (none: only that folder). */
  searchPaths?: SearchPathEntry[];
  /** False on a keystroke: the valid input sizes are looked for only where the input fails
   *  (the scheduler completes the report in a pause, or when a hover needs it). Default true. */
  complete?: boolean;
  /** Steps, and time in analysis time limits, for the valid input sizes instead of the editor's
   *  few sizes (a quick fix that solves a guessed input's size asks for every size, as the CLI's
   *  --valid-sizes). */
  validSizes?: { steps: number; timeLimits: number };
}

export interface AnalysisOutput {
  report: FileReport;
  /** Every path the engine asked for, found or not (a file created later may satisfy an import). */
  dependencies: Set<string>;
  durationMs: number;
  /** The AST the engine read the Python file as (null for TypeScript): the LSP features' syntax
   *  index uses it instead of parsing the text again, so they agree with the report. */
  syntaxTree: PyModule | null;
}

function readerFor(input: AnalysisInput, dependencies: Set<string>, fileAccess: FileAccess) {
  return (path: string): string | null => {
    const full = path.includes('://') ? path : resolve(path);
    dependencies.add(full);
    const open = input.openText(full);
    if (open !== undefined) return open;
    // Regular source files in the allowed folders only (fileAccess.ts), texts reused while unchanged.
    return fileAccess.readFile(full);
  };
}

/** Parsed library files kept between server runs: the first analysis after the editor starts
 *  reads torchvision's ASTs instead of parsing them (the CLI's folder; CONVLENS_CACHE_DIR). */
const astCache = astDiskCacheFromEnv(process.env);

/** Above this, an open document is analysed when it is opened and saved, not on every keystroke
 *  (its parse alone would hold the server for a large part of a second). */
export const DEFERRED_DOCUMENT_CHARS = 512 * 1024;


/** An open document past the size ConvLens reads of any file is not analysed: one info
 *  diagnostic at its first line says so (the same bound as for the CLI and for imports). */
function tooLargeReport(input: AnalysisInput): FileReport {
  return {
    file: input.file,
    models: [],
    diagnostics: [{
      severity: 'info',
      code: 'too-large',
      message: `This file is larger than ${MAX_SOURCE_DESCRIPTION}, the most ConvLens reads of one file: it is not analysed`,
      file: input.file,
      line: 1,
      column: 0,
      endLine: 1,
      endColumn: 0,
    }],
  };
}


export function runAnalysis(input: AnalysisInput): AnalysisOutput {
  const started = performance.now();
  // UTF-8 takes at most 3 bytes per UTF-16 unit: most documents are measured without encoding them.
  if (input.text.length * 3 > MAX_SOURCE_BYTES && Buffer.byteLength(input.text) > MAX_SOURCE_BYTES) {
    // An empty syntax tree too: hovers and lenses must not parse what the analysis would not.
    return { report: tooLargeReport(input), dependencies: new Set(), durationMs: performance.now() - started, syntaxTree: { kind: 'Module', body: [], errors: [] } };
  }
  const dependencies = new Set<string>();
  // What imports may read: the file's folder and the search path (the workspace folders among it).
  const fileAccess = nodeFileAccess({ roots: [dirname(resolve(input.file)), ...(input.searchPaths ?? []).map((e) => e.path)] });
  const report = analyzeFile({
    file: input.file,
    text: input.text,
    readFile: readerFor(input, dependencies, fileAccess),
    whyNotRead: fileAccess.whyNotRead,
    defaultImageSize: input.settings.defaultImageSize,
    // The setting is a better guess than the first layer, but a directive or __main__ beats it.
    defaultInputs: (input.settings.defaultInputShape && parseShapeList(input.settings.defaultInputShape)) || undefined,
    searchPaths: input.searchPaths,
    ...(input.validSizes ? { validSizesSteps: input.validSizes.steps } : {}),
    // The size scan's time bound follows the analysis's (engine/analyze.ts sizeScanTimeMs).
    validSizesTimeMs: sizeScanTimeMs(input.settings.analysis.timeLimitMs, input.validSizes?.timeLimits),
    // The editor's bound (`convlens.analysis.timeLimitMs`, 200 ms by default) for both front ends
    // (the TypeScript one alone would allow 2 s): a runaway model cannot hold the server while the
    // user types. Library loading is excluded (engine/analyze.ts).
    timeLimitMs: input.settings.analysis.timeLimitMs,
    isDirectory: fileAccess.isDirectory,
    listDirectory: fileAccess.listDirectory,
    astCache,
    validSizes: input.complete === false ? 'whenInputFails' : 'always',
  });
  dependencies.delete(resolve(input.file));
  const durationMs = performance.now() - started;
  // The analysis has just parsed this text: a hit in the engine's parse cache.
  const syntaxTree = TYPESCRIPT_FILE.test(input.file) ? null : parsedFile(input.file, input.text).module;
  return { report, dependencies, durationMs, syntaxTree };
}
