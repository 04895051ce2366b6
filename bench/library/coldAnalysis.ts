// One analysis in a fresh process (nothing parsed, nothing loaded, nothing compiled by the JIT):
// prints {"ms": …} for the analyzeFile call alone. Run by bench/sections/libraries.ts.
// Usage: coldAnalysis.ts FILE MODEL INPUT [CACHE_DIR]: with CACHE_DIR, the library ASTs are read
// from / written to that folder (the CLI's disk cache, astDiskCache.ts); without, no disk cache.

import { readFileSync } from 'node:fs';
import { analyzeFile } from '../../server/src/engine/analyze';
import { nodeFileAccess } from '../../server/src/pythonEnvironment/fileAccess';
import { AstDiskCache } from '../../server/src/pythonEnvironment/astDiskCache';
import { discoverSearchPath } from '../../server/src/pythonEnvironment/searchPath';

const [file, model, input, cacheDir] = process.argv.slice(2) as [string, string, string, string | undefined];
const text = readFileSync(file, 'utf8');
const searchPaths = discoverSearchPath({ file, cwd: process.cwd(), env: { HOME: process.env.HOME } });
const astCache = cacheDir ? new AstDiskCache({ dir: cacheDir }) : undefined;
const started = performance.now();
const report = analyzeFile({ file, text, ...nodeFileAccess(), searchPaths, model, inputs: [input.split(',').map(Number)], timeLimitMs: 60_000, astCache });
const ms = performance.now() - started;
process.stdout.write(JSON.stringify({ ms, params: report.models[0]?.params ?? null }) + '\n');
