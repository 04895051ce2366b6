// Installed libraries (issue 9): a user file that builds torchvision's resnet50 inside its own
// model, read from the installed torchvision, against the same architecture written in the file
// itself (../shared/fixtures/models/resnet.py with the same wrapper). Cold: the first analysis in
// a fresh process (about a hundred library files read and run), with the disk cache of library
// ASTs (server/src/pythonEnvironment/astDiskCache.ts) empty — the first analysis ever: every file
// parsed, and written to the cache — and filled — a fresh process after one earlier run, as the
// CLI and the editor meet it from then on; each sample in a process of its own with a temporary
// cache folder of its own. Warm: the next analyses in the same process (the library modules are
// loaded once and shared). Targets: warm ≤ 2× the in-file version, cold (filled cache) ≤ 500 ms.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { analyzeFile } from '../../server/src/engine/analyze';
import type { AnalyzeOptions } from '../../server/src/engine/report';
import { nodeFileAccess } from '../../server/src/pythonEnvironment/fileAccess';
import { discoverSearchPath } from '../../server/src/pythonEnvironment/searchPath';
import { measure, median, ms } from '../measure';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURE = resolve(ROOT, '../shared/fixtures/models/resnet.py');
const WARM_RATIO_TARGET = 2;
const COLD_TARGET_MS = 500;
const COLD_RUNS = 5;
const INPUT = '1,3,224,224';

const WRAPPER = `

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = RESNET50()

    def forward(self, x):
        return self.backbone(x)
`;

const LIBRARY_USER = `import torch.nn as nn
from torchvision import models
${WRAPPER.replace('RESNET50', 'models.resnet50')}`;

/** One analysis in a fresh process; with `cacheDir`, the library ASTs are read from and written
 *  to that folder. */
function coldRun(file: string, cacheDir?: string): { ms: number; params: number | null } {
  const args = ['--import', 'tsx', join(ROOT, 'bench/library/coldAnalysis.ts'), file, 'Net()', INPUT, ...(cacheDir ? [cacheDir] : [])];
  const out = execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out) as { ms: number; params: number | null };
}

export default async function libraries() {
  const dir = mkdtempSync(join(tmpdir(), 'convlens-bench-'));
  try {
    const libraryFile = join(dir, 'net_torchvision.py');
    const inFileFile = join(dir, 'net_in_file.py');
    writeFileSync(libraryFile, LIBRARY_USER);
    writeFileSync(inFileFile, readFileSync(FIXTURE, 'utf8') + WRAPPER.replace('RESNET50', 'resnet50'));
    const searchPaths = discoverSearchPath({ file: libraryFile, cwd: ROOT, env: { HOME: process.env.HOME } });
    const options = (file: string): AnalyzeOptions => ({
      file, text: readFileSync(file, 'utf8'), ...nodeFileAccess(), searchPaths, model: 'Net()', inputs: [INPUT.split(',').map(Number)], timeLimitMs: 60_000,
    });
    const libraryOptions = options(libraryFile);
    const inFileOptions = options(inFileFile);
    const libraryReport = analyzeFile(libraryOptions);
    const inFileReport = analyzeFile(inFileOptions);
    // The in-file analysis leaves no library world: the library one is warmed again before timing.
    const warm = measure(() => analyzeFile(libraryOptions));
    const inFile = measure(() => analyzeFile(inFileOptions));
    // Each sample: a new cache folder, a first process (empty cache), then a second (filled).
    const emptyCache: { ms: number; params: number | null }[] = [];
    const filledCache: { ms: number; params: number | null }[] = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      const cacheDir = join(dir, `ast-cache-${i}`);
      emptyCache.push(coldRun(libraryFile, cacheDir));
      filledCache.push(coldRun(libraryFile, cacheDir));
    }
    const coldEmptyCacheMs = ms(median(emptyCache.map((c) => c.ms)));
    const coldMs = ms(median(filledCache.map((c) => c.ms)));
    const inFileCold = ms(median(Array.from({ length: COLD_RUNS }, () => coldRun(inFileFile).ms)));
    const warmRatio = ms(warm.median / inFile.median);
    return {
      libraries: libraryReport.libraries,
      params: {
        library: libraryReport.models[0]?.params ?? null,
        inFile: inFileReport.models[0]?.params ?? null,
        coldEmptyCache: emptyCache[0]?.params ?? null,
        coldFilledCache: filledCache[0]?.params ?? null,
      },
      warmMs: warm.median,
      inFileMs: inFile.median,
      warmRatio,
      targetWarmRatio: WARM_RATIO_TARGET,
      coldEmptyCacheMs,
      coldEmptyCacheRunsMs: emptyCache.map((c) => ms(c.ms)),
      coldMs,
      coldRunsMs: filledCache.map((c) => ms(c.ms)),
      inFileColdMs: inFileCold,
      targetColdMs: COLD_TARGET_MS,
      pass: warmRatio <= WARM_RATIO_TARGET && coldMs <= COLD_TARGET_MS
        && filledCache.every((c) => c.params === libraryReport.models[0]?.params) && emptyCache.every((c) => c.params === libraryReport.models[0]?.params),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
