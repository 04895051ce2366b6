// What the engine benchmark calls, bundled by esbuild.mjs on request (bench/engineBundle.ts).
export { analyzeFile } from '../server/src/engine/analyze';
export { parsePython } from '../server/src/engine/python/parse';
export { forgetParsedFile } from '../server/src/engine/python/interpreter';
