// `npm run bench`: runs every section in bench/sections/ (each file's default export, an async
// function returning a JSON-able object with an optional `pass` flag) and prints ONE JSON
// object to stdout: { environment, <section>: {...}, pass }. Progress goes to stderr.
// New suites (language-server latency, webview) add a file to bench/sections/.

import { readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export type SectionResult = Record<string, unknown> & { pass?: boolean };
type Section = () => Promise<SectionResult>;

const SECTIONS_DIR = join(import.meta.dirname, 'sections');

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = readdirSync(SECTIONS_DIR)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .filter((f) => only.length === 0 || only.includes(basename(f, '.ts')));
  const output: Record<string, unknown> = {
    environment: { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cpus: cpus().length, platform: process.platform },
  };
  let pass = true;
  for (const file of files) {
    const name = basename(file, '.ts');
    process.stderr.write(`bench: ${name}…\n`);
    let result: SectionResult;
    try {
      const module = (await import(pathToFileURL(join(SECTIONS_DIR, file)).href)) as { default: Section };
      result = await module.default();
    } catch (error) {
      // One broken section must not hide the others' numbers.
      result = { error: error instanceof Error ? error.message : String(error), pass: false };
    }
    output[name] = result;
    if (result.pass === false) pass = false;
  }
  output.pass = pass;
  process.stdout.write(JSON.stringify(output, null, 2) + '\n');
  process.exitCode = pass ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
