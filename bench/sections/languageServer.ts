// The language server over the real protocol (`node dist/server.js --stdio`, as the editor runs
// it): hover latency on the fixtures after warm-up, keystroke → publishDiagnostics latency while
// typing a layer into a generated 2,000-line model file (debounce set to 0 so only the server's
// own work is timed), and the server's resident memory: once everything is open, and after the
// typing (the keystroke path must not leave the server bigger: bounded caches).
// Targets: hover p99 < 10 ms (issue 3); keystroke → diagnostics p95 < 30 ms, RSS < 100 MB with
// everything open and < 150 MB after typing (issue 10).

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient, FIXTURES } from '../../test/protocol/lspClient';
import { generateModel } from '../generateModel';
import { ms } from '../measure';

const HOVER_P99_TARGET_MS = 10;
/** Issue 11: the server stays responsive while hostile files are open. */
const HOSTILE_HOVER_P99_TARGET_MS = 50;
const KEYSTROKE_P95_TARGET_MS = 30;
const RSS_OPEN_TARGET_MB = 100;
const RSS_AFTER_TYPING_TARGET_MB = 150;
const HOVER_WARMUP = 200;
/** Measured rounds of typing the line (55 keystrokes each), after one that warms up. With one
 *  round, the p95 of 55 samples was the third-slowest keystroke: 27.6–30.2 ms in four runs of one
 *  build on a quiet machine (21.1–33.1 with V8's flags varied), while 275 samples gave 22.8 and 22.9. */
const KEYSTROKE_ROUNDS = 5;
const HOVER_SAMPLES = 2000;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return ms(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
}

/** Positions worth hovering: the start of every layer constructor, module call and assignment target. */
function hoverPositions(uri: string, text: string): { uri: string; line: number; character: number }[] {
  const out: { uri: string; line: number; character: number }[] = [];
  text.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(/nn\.\w+\(|self\.\w+\(|^\s+(\w+) = /g)) out.push({ uri, line: i, character: (m.index ?? 0) + (m[1] ? line.indexOf(m[1]) - (m.index ?? 0) : 4) });
  });
  return out;
}

export default async function languageServer() {
  const client = await LspClient.start({ initializationOptions: { debounceMs: 0 }, analysisTimeLimitMs: null });
  try {
    // Every fixture open.
    const dir = join(FIXTURES, 'models');
    const positions: { uri: string; line: number; character: number }[] = [];
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.py')).sort()) {
      const uri = pathToFileURL(join(dir, name)).toString();
      const text = readFileSync(join(dir, name), 'utf8');
      await client.open(uri, text);
      positions.push(...hoverPositions(uri, text));
    }

    // Hover latency, round trip as the client sees it.
    const hover = async (i: number) => {
      const p = positions[i % positions.length];
      const start = performance.now();
      const h = await client.hover(p.uri, p.line, p.character);
      return { ms: performance.now() - start, answered: h !== null };
    };
    for (let i = 0; i < HOVER_WARMUP; i++) await hover(i);
    const hoverTimes: number[] = [];
    let withContent = 0;
    const slow: string[] = [];
    for (let i = 0; i < HOVER_SAMPLES; i++) {
      const r = await hover(i * 7);
      hoverTimes.push(r.ms);
      if (r.answered) withContent++;
      if (process.env.BENCH_DEBUG && r.ms > 5) {
        const p = positions[(i * 7) % positions.length];
        slow.push(`${r.ms.toFixed(1)}ms ${p.uri.split('/').pop()}:${p.line + 1}:${p.character}`);
      }
    }
    if (slow.length) process.stderr.write(`slow hovers:\n${slow.join('\n')}\n`);

    // Keystrokes into a 2,000-line file: a new line in the root model's __init__, typed one
    // character per didChange; each waits for the diagnostics of its version.
    const model = generateModel({ targetLines: 2000 });
    const bigUri = pathToFileURL(join(FIXTURES, 'models', 'generated_2000.py')).toString();
    await client.open(bigUri, model.text);
    const rssOpenMb = Math.round(((await client.serverRss()) / 2 ** 20) * 10) / 10;
    const lines = model.text.split('\n');
    const init = lines.findIndex((l, i) => l.includes('super().__init__()') && lines.slice(0, i).some((x) => x.startsWith('class BigNet')));
    const anchor = { line: init, character: lines[init].length };
    let version = 1;
    const type = async (range: { start: typeof anchor; end: typeof anchor }, text: string) => {
      version++;
      const published = client.nextDiagnostics(bigUri, version);
      const start = performance.now();
      await client.change(bigUri, version, [{ range, text }]);
      await published;
      return performance.now() - start;
    };
    await type({ start: anchor, end: anchor }, '\n        ');
    const keystrokeTimes: number[] = [];
    let cpuBefore = 0;
    let firstMeasured = Infinity;
    const typed = 'self.extra = nn.Conv2d(3, 16, kernel_size=3, padding=1)';
    for (let round = 0; round < 1 + KEYSTROKE_ROUNDS; round++) {
      let cursor = { line: init + 1, character: 8 };
      if (round === 1) {
        cpuBefore = await client.serverCpuMs();
        firstMeasured = version + 1;
      }
      for (const ch of typed) {
        const t = await type({ start: cursor, end: cursor }, ch);
        if (round > 0) keystrokeTimes.push(t); // the first round warms up
        cursor = { line: cursor.line, character: cursor.character + 1 };
      }
      // Delete the line's text again for the next round.
      await type({ start: { line: init + 1, character: 8 }, end: cursor }, '');
    }
    // Each measured round ends with the line deleted: one more change per round.
    const cpuPerKeystroke = (await client.serverCpuMs() - cpuBefore) / (keystrokeTimes.length + KEYSTROKE_ROUNDS);

    // The engine's share: how long each measured analysis of the big file took, from the status notifications.
    const analysisTimes = client.statuses.filter((st) => st.uri === bigUri && st.version >= firstMeasured).map((st) => st.durationMs);
    const rssAfterTypingMb = Math.round(((await client.serverRss()) / 2 ** 20) * 10) / 10;

    // Hostile files open (issue 11): a 3 MB document, a loop that copies a large list, one that
    // keeps what it builds; then the same hovers on the fixtures again, each 50 ms apart from the
    // opening so that the analyses of the hostile files run in between.
    const hostile = [
      { name: 'hostile_large.py', text: `import torch.nn as nn\n${'# padding line of a very large generated file\n'.repeat(70_000)}` },
      { name: 'hostile_copies.py', text: 'a = [0] * 500000\nfor i in range(4000):\n    b = list(a)\n' },
      { name: 'hostile_keeps.py', text: 'keep = []\nfor i in range(100000):\n    keep.append([0] * 999999)\n' },
    ];
    const hostileTimes: number[] = [];
    for (const h of hostile) await client.open(pathToFileURL(join(dir, h.name)).toString(), h.text);
    for (let i = 0; i < HOVER_SAMPLES; i++) hostileTimes.push((await hover(i * 11)).ms);
    const hostileHover = { openFiles: hostile.map((h) => h.name), samples: hostileTimes.length, p50Ms: percentile(hostileTimes, 50), p99Ms: percentile(hostileTimes, 99), targetP99Ms: HOSTILE_HOVER_P99_TARGET_MS };
    const hoverResult = { samples: hoverTimes.length, withContent, p50Ms: percentile(hoverTimes, 50), p99Ms: percentile(hoverTimes, 99), targetP99Ms: HOVER_P99_TARGET_MS };
    const keystrokeResult = {
      file: { lines: model.lines, source: 'bench/generateModel.ts, targetLines 2000' },
      samples: keystrokeTimes.length,
      p50Ms: percentile(keystrokeTimes, 50),
      p95Ms: percentile(keystrokeTimes, 95),
      targetP95Ms: KEYSTROKE_P95_TARGET_MS,
      analysisP50Ms: percentile(analysisTimes, 50),
      analysisP95Ms: percentile(analysisTimes, 95),
      // The server's CPU time per keystroke of the measured round (10 ms ticks): less sensitive
      // to other load on the machine than the latencies, so before/after comparisons use it too.
      serverCpuMsPerKeystroke: Math.round(cpuPerKeystroke * 10) / 10,
    };
    return {
      hover: hoverResult,
      hoverWithHostileFilesOpen: hostileHover,
      keystrokeToDiagnostics: keystrokeResult,
      rss: {
        // Every fixture and the 2,000-line file open and analysed.
        mb: rssOpenMb,
        openFiles: readdirSync(dir).filter((f) => f.endsWith('.py')).length + 1,
        targetMb: RSS_OPEN_TARGET_MB,
        // After the keystroke run (V8 keeps garbage until it needs the room).
        afterTypingMb: rssAfterTypingMb,
        afterTypingTargetMb: RSS_AFTER_TYPING_TARGET_MB,
      },
      pass: hoverResult.p99Ms < HOVER_P99_TARGET_MS && hostileHover.p99Ms < HOSTILE_HOVER_P99_TARGET_MS && keystrokeResult.p95Ms < KEYSTROKE_P95_TARGET_MS && rssOpenMb < RSS_OPEN_TARGET_MB &&
        rssAfterTypingMb < RSS_AFTER_TYPING_TARGET_MB,
    };
  } finally {
    await client.stop();
  }
}
