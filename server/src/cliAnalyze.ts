// `convlens analyze`: read the file, find its module search path, run the engine, format the
// report. Its own bundle (dist/cli-analyze.js), loaded by the command's entry (cli.ts) only when
// there is something to analyse, through the code cache (startup/bundleLoader.ts).

import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { analyzeFile } from './engine/analyze';
import type { Diagnostic, FileReport, SearchPathEntry } from './engine/report';
import { nodeFileAccess, readSourceFile } from './pythonEnvironment/fileAccess';
import { astDiskCacheFromEnv } from './pythonEnvironment/astDiskCache';
import { describeMissingFolder, discoverSearchPath } from './pythonEnvironment/searchPath';
import type { AnalyzeCommand, FailOn } from './cliArgs';
import { formatReport } from './format/index';

const EXIT_ANALYSED = 0;
const EXIT_FAIL_ON = 1;

/** A problem that stops the analysis: its message is the whole of what the user sees. */
export class CannotAnalyse extends Error {
  // The entry tells this error by its name: it comes from another bundle, another class object.
  override name = 'CannotAnalyse';
}

/** The analysed file under the same rules as what it imports (fileAccess.ts): a regular source
 *  file of at most MAX_SOURCE_BYTES; anything else is a clear error, never a hang. */
function readSource(file: string): string {
  const read = readSourceFile(resolve(file));
  if ('text' in read) return read.text;
  if ('missing' in read) {
    throw new CannotAnalyse(existsSync(file) ? `cannot read '${file}': is a directory` : `cannot read '${file}': no such file`);
  }
  throw new CannotAnalyse(`cannot read '${file}': ${read.refused}`);
}

const RANK: Record<Diagnostic['severity'], number> = { hint: 0, info: 1, warning: 2, error: 3 };

function meetsFailOn(diagnostics: readonly Diagnostic[], failOn: FailOn | undefined): boolean {
  return failOn !== undefined && diagnostics.some((d) => RANK[d.severity] >= RANK[failOn]);
}

/** A --model that produced no model could not be analysed: say why, in the engine's words. */
function checkModelEvaluated(command: AnalyzeCommand, report: FileReport): void {
  if (command.model === undefined || report.models.length > 0) return;
  const error = report.diagnostics.find((d) => d.severity === 'error');
  const message = error?.message.replace(/\s*\n\s*/g, ' ');
  throw new CannotAnalyse(
    message?.includes(command.model)
      ? message
      : `could not analyse --model '${command.model}': ${message ?? 'it produced no model'}`,
  );
}

function useColor(): boolean {
  return Boolean(process.stdout.isTTY) && process.env.NO_COLOR === undefined;
}

function warn(message: string): void {
  process.stderr.write(`convlens: warning: ${message}\n`);
}

/** Python's sys.path for this file, found from files (the project, --python-path, PYTHONPATH, the
 *  environments); a --python-path that names no folder is said once on stderr, then left out. */
function searchPathFor(command: AnalyzeCommand): SearchPathEntry[] {
  for (const folder of command.pythonPaths) {
    const problem = describeMissingFolder(resolve(folder));
    if (problem) warn(`--python-path '${folder}': ${problem}; ignored`);
  }
  return discoverSearchPath({
    file: resolve(command.file),
    cwd: process.cwd(),
    extraPaths: command.pythonPaths.map((path) => ({ path, source: '--python-path' })),
    env: process.env,
  });
}

function column(text: string, width: number): string {
  return text.length >= width ? `${text} ` : text.padEnd(width);
}

function describeSearchPath(entries: readonly SearchPathEntry[]): string {
  const lines = ['Module search path (after the file\'s own folder):'];
  if (entries.length === 0) lines.push('  (none)');
  const width = Math.max(0, ...entries.map((e) => e.path.length)) + 2;
  for (const e of entries) lines.push(`  ${column(e.kind, 13)}${column(e.path, width)}${e.source}`);
  return lines.join('\n') + '\n';
}

function describeLibraries(report: FileReport): string {
  const libraries = report.libraries ?? [];
  if (libraries.length === 0) return 'Libraries read: none\n';
  const lines = ['Libraries read:'];
  for (const l of libraries) lines.push(`  ${l.name} ${l.version ?? '(version unknown)'}  ${l.path}`);
  return lines.join('\n') + '\n';
}

export function analyze(command: AnalyzeCommand, toolVersion: string): { output: string; status: number } {
  const text = readSource(command.file);
  const searchPaths = searchPathFor(command);
  // Imports are read from the file's folder and the search path's folders only (symbolic links resolved).
  const access = nodeFileAccess({
    roots: [dirname(resolve(command.file)), ...(command.through ? [dirname(resolve(command.through))] : []), ...searchPaths.map((e) => e.path)],
  });
  if (command.verbose) process.stderr.write(describeSearchPath(searchPaths));
  const report = analyzeFile({
    file: command.file,
    text,
    readFile: access.readFile,
    whyNotRead: access.whyNotRead,
    searchPaths,
    isDirectory: access.isDirectory,
    listDirectory: access.listDirectory,
    model: command.model,
    ...(command.through ? { through: command.through } : {}),
    inputs: command.inputs,
    defaultImageSize: command.imageSize,
    // Parsed library files kept between runs (CONVLENS_CACHE_DIR, --no-cache: USAGE).
    astCache: command.noCache ? undefined : astDiskCacheFromEnv(process.env),
    // A command line waits for complete results; the step budget still bounds endless loops.
    timeLimitMs: 30_000,
    // --valid-sizes: every size 1–512 (a forward per size: seconds for a large model); else the
    // engine's default, the editor's budget: the sizes nearest the input (the header says which).
    ...(command.validSizes ? { validSizesSteps: 100_000_000, validSizesTimeMs: 20_000 } : {}),
  });
  if (command.verbose) process.stderr.write(describeLibraries(report));
  checkModelEvaluated(command, report);
  const output = formatReport(report, command.format, { color: useColor(), toolVersion, depth: command.depth });
  return { output, status: meetsFailOn(report.diagnostics, command.failOn) ? EXIT_FAIL_ON : EXIT_ANALYSED };
}

