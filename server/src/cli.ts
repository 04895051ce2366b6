// The `convlens` command: read the command line, answer --help and --version at once, and hand an
// analysis to dist/cli-analyze.js (cliAnalyze.ts), loaded with V8's code cache. This entry stays
// small so that a command which analyses nothing costs little more than starting Node.
// Whatever goes wrong, the user gets one line on stderr and an exit status, never a stack trace.

import { join } from 'node:path';
import type * as CliAnalyze from './cliAnalyze';
import { USAGE, UsageError, parseCommandLine } from './cliArgs';
import { loadBundle } from './startup/bundleLoader';
import { tuneForShortRun } from './startup/shortRun';
import { convlensCacheDir } from './startup/cacheDir';
import packageJson from '../../package.json';

const EXIT_ANALYSED = 0;
const EXIT_CANNOT_ANALYSE = 2;

function run(argv: readonly string[]): { output: string; status: number } {
  const command = parseCommandLine(argv);
  switch (command.kind) {
    case 'help':
      return { output: USAGE, status: EXIT_ANALYSED };
    case 'version':
      return { output: `${packageJson.version}\n`, status: EXIT_ANALYSED };
    case 'analyze': {
      // --no-cache keeps ConvLens from writing anything, compiled code included.
      const cacheDir = command.noCache ? null : convlensCacheDir(process.env);
      tuneForShortRun();
      const bundle = loadBundle<typeof CliAnalyze>(join(__dirname, 'cli-analyze.js'), cacheDir === null ? null : join(cacheDir, 'code'));
      // Written once the run has compiled what an analysis needs (the cache then holds it all).
      process.once('exit', () => bundle.saveCodeCache());
      return bundle.exports.analyze(command, packageJson.version);
    }
  }
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}

/** A mistake of the user's (a usage error, a file that cannot be analysed), not of ConvLens. */
function isUsersProblem(error: unknown): boolean {
  return error instanceof UsageError || (error instanceof Error && error.name === 'CannotAnalyse');
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
    process.stderr.write(`convlens: ${isUsersProblem(error) ? '' : 'internal error: '}${oneLine(error)}\n`);
    process.exitCode = EXIT_CANNOT_ANALYSE;
    return;
  }
  process.exitCode = result.status;
  // exitCode rather than exit(): a large report piped to another program must not be cut off.
  process.stdout.write(result.output);
}

main();
