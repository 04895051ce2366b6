// The engine as it ships: the server and the CLI run it from one esbuild bundle (minified, names
// kept), where a call into another module is a plain function call. Run from the TypeScript
// sources through tsx, every such call goes through the export getters of tsx's module interop,
// a cost no user pays (resnet.py's eight cases: 35 ms bundled, 41 ms from the sources, in one
// quiet run of the bench on this machine). The engine
// benchmark therefore times this bundle, built by esbuild.mjs itself so that its options are the
// shipped ones, and reports the sources' figure beside it.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export type EngineApi = typeof import('./engineEntry');

const ROOT = resolve(import.meta.dirname, '..');

/** Bundles the engine with the shipped options into `out` (a .cjs file). */
export function buildEngineBundle(out: string): void {
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CONVLENS_BENCH_ENGINE_OUT: out } });
  if (built.status !== 0) throw new Error(`could not bundle the engine for the benchmark: ${built.stderr || built.stdout}`);
}
