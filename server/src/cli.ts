// The `convlens` command: read a file, run the engine, print the report in the asked format.
// Whatever goes wrong, the user gets one line on stderr and an exit status, never a stack trace.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeFile } from './engine/analyze';
import type { Diagnostic, FileReport, SearchPathEntry } from './engine/report';
import { nodeFileAccess } from './pythonEnvironment/fileAccess';
import { astDiskCacheFromEnv } from './pythonEnvironment/astDiskCache';
import { describeMissingFolder, discoverSearchPath } from './pythonEnvironment/searchPath';
import { type AnalyzeCommand, type FailOn, USAGE, UsageError, parseCommandLine } from './cliArgs';
import { formatReport } from './format/index';
import packageJson from '../../package.json';

const EXIT_ANALYSED = 0;
const EXIT_FAIL_ON = 1;
const EXIT_CANNOT_ANALYSE = 2;

/** A problem that stops the analysis: its message is the whole of what the user sees. */
class CannotAnalyse extends Error {}

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

function readSource(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new CannotAnalyse(`cannot read '${file}': ${READ_ERRORS[code] ?? (error as Error).message}`);
  }
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

function analyze(command: AnalyzeCommand): { output: string; status: number } {
  const text = readSource(command.file);
  const access = nodeFileAccess();
  const searchPaths = searchPathFor(command);
  if (command.verbose) process.stderr.write(describeSearchPath(searchPaths));
  const report = analyzeFile({
    file: command.file,
    text,
    readFile: access.readFile,
    searchPaths,
    isDirectory: access.isDirectory,
    listDirectory: access.listDirectory,
    model: command.model,
    inputs: command.inputs,
    defaultImageSize: command.imageSize,
    // Parsed library files kept between runs (CONVLENS_CACHE_DIR, --no-cache: USAGE).
    astCache: command.noCache ? undefined : astDiskCacheFromEnv(process.env),
    // A command line waits for complete results; the step budget still bounds endless loops.
    timeLimitMs: 30_000,
  });
  if (command.verbose) process.stderr.write(describeLibraries(report));
  checkModelEvaluated(command, report);
  const output = formatReport(report, command.format, { color: useColor(), toolVersion: packageJson.version });
  return { output, status: meetsFailOn(report.diagnostics, command.failOn) ? EXIT_FAIL_ON : EXIT_ANALYSED };
}

function run(argv: readonly string[]): { output: string; status: number } {
  const command = parseCommandLine(argv);
  switch (command.kind) {
    case 'help':
      return { output: USAGE, status: EXIT_ANALYSED };
    case 'version':
      return { output: `${packageJson.version}\n`, status: EXIT_ANALYSED };
    case 'analyze':
      return analyze(command);
  }
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}

function main(): void {
  // A reader that goes away (`convlens ... | head`) is not an error worth a trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.stderr.write(`convlens: cannot write output: ${oneLine(error)}\n`);
    process.exit(EXIT_CANNOT_ANALYSE);
  });
  let result: { output: string; status: number };
  try {
    result = run(process.argv.slice(2));
  } catch (error) {
    const known = error instanceof UsageError || error instanceof CannotAnalyse;
    process.stderr.write(`convlens: ${known ? '' : 'internal error: '}${oneLine(error)}\n`);
    process.exitCode = EXIT_CANNOT_ANALYSE;
    return;
  }
  process.exitCode = result.status;
  // exitCode rather than exit(): a large report piped to another program must not be cut off.
  process.stdout.write(result.output);
}

main();
