// One build script: bundles the CLI (and, as they land, the language server, the client and the
// webview) into dist/. Everything is bundled so the .vsix needs no node_modules.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };

// The TypeScript compiler (the TF.js front end's parser) is nine tenths of the CLI and the server:
// compiled on every start, it cost half a second before any Python analysis. It ships as its own
// file, dist/typescript.js (the package's one-file build, copied), required only when the first
// TypeScript or JavaScript file is analysed.
const typescriptApart = {
  name: 'typescript-apart',
  setup(build) {
    build.onResolve({ filter: /^typescript$/ }, () => ({ path: './typescript.js', external: true }));
  },
};

// The Node bundles are minified: about half the size, so a smaller .vsix and less to read on each
// start (the start-up CPU time measured the same; `npm run bench -- startup`). Stack traces map
// back through the external .map files, which the .vsix leaves out (.vscodeignore). keepNames:
// functions and classes keep their `name`, which messages and runtime checks may read.
const node = { minify: process.env.CONVLENS_NO_MINIFY ? false : true, keepNames: true };

// `npm run bench` times the engine as it ships (bench/engineBundle.ts): the engine alone, bundled
// with the Node bundles' options, to the file it names; nothing else is built then.
const benchEngineOut = process.env.CONVLENS_BENCH_ENGINE_OUT;
if (benchEngineOut) {
  await esbuild.build({ ...common, ...node, sourcemap: false, entryPoints: ['bench/engineEntry.ts'], outfile: benchEngineOut });
  process.exit(0);
}
mkdirSync('dist', { recursive: true });
copyFileSync('node_modules/typescript/lib/typescript.js', 'dist/typescript.js');

// The CLI and the server each start from a small entry that loads the bundle doing the work
// (cli-analyze.js, server-main.js) through V8's code cache (server/src/startup/bundleLoader.ts):
// `convlens --help` compiles nothing else, and later starts skip most of the compiling.
const entries = [
  { ...node, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...node, entryPoints: ['server/src/cliAnalyze.ts'], outfile: 'dist/cli-analyze.js', plugins: [typescriptApart] },
  { ...node, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' },
  { ...node, entryPoints: ['server/src/serverMain.ts'], outfile: 'dist/server-main.js', plugins: [typescriptApart] },
  { ...node, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
].filter((e) => existsSync(e.entryPoints[0]));

// The preview webview: three browser ES modules, so that the first picture waits for as little
// as possible. preview.js (small: messages, plans, the overlap map, plots, the panel's DOM) paints
// the layer's overlap map; preview-runtime.js (ONNX graphs, inputs, weights, the ORT wrapper) and
// preview-controls.js (@vscode-elements) come after it. They import each other, and onnxruntime-web
// (the native WebGPU build, ort.webgpu.min.mjs), by bare names only, which the page's import map
// resolves to the files' webview URIs: relative URLs break on servers that pass the file in the
// query. ORT loads its WebAssembly glue and binary from URIs the page also names. Only those three
// ORT files are copied (README, "The up-sampling preview").
const ORT_FILES = ['ort.webgpu.min.mjs', 'ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];
const bareExternal = {
  name: 'bare-external',
  setup(build) {
    build.onResolve({ filter: /^(onnxruntime-web\/webgpu|convlens-preview\/(runtime|controls))$/ }, (args) => ({ path: args.path, external: true }));
  },
};
const WEBVIEW_SCRIPTS = [
  ['webview/src/main.ts', 'preview.js'],
  ['webview/src/runtimeEntry.ts', 'preview-runtime.js'],
  ['webview/src/controlsEntry.ts', 'preview-controls.js'],
];
if (existsSync('webview/src/main.ts')) {
  for (const [entry, out] of WEBVIEW_SCRIPTS) {
    entries.push({ entryPoints: [entry], outfile: `dist/webview/${out}`, platform: 'browser', target: 'chrome120', format: 'esm', minify: true, plugins: [bareExternal] });
  }
  mkdirSync('dist/webview', { recursive: true });
  // Nothing else may linger there: the folder is what the webview may load and what ships.
  const keep = new Set([...ORT_FILES, 'preview.css', ...WEBVIEW_SCRIPTS.flatMap(([, out]) => [out, `${out}.map`])]);
  for (const f of readdirSync('dist/webview')) if (!keep.has(f)) rmSync(`dist/webview/${f}`, { recursive: true });
  for (const f of ORT_FILES) copyFileSync(`node_modules/onnxruntime-web/dist/${f}`, `dist/webview/${f}`);
  copyFileSync('webview/src/preview.css', 'dist/webview/preview.css');
}

const contexts = await Promise.all(entries.map((e) => esbuild.context({ ...common, ...e })));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
