// The editor re-analyses a file after every keystroke from its previous reading (the parse reuses
// lezer's tree and the converted top-level statements whose text and subtree did not change). The
// report must be exactly the report of a fresh analysis, over sequences of edits of every kind: in
// a class other models reuse, in a helper it calls, a module-level constant, an import, lines added
// above reused code (everything below moves), and half-typed code on the way.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFile } from '../../server/src/engine/analyze';
import { forgetParsedFile, parsedFile } from '../../server/src/engine/python/interpreter';
import type { FileReport } from '../../server/src/engine/report';
import { generateModel } from '../../bench/generateModel';

const FILE = '/proj/generated.py';
/** The fresh analyses read the same files from another folder, whose parses start from nothing. */
const FRESH = '/fresh/generated.py';

function analyse(file: string, text: string, files: Record<string, string>): FileReport {
  const folder = file.slice(0, file.lastIndexOf('/') + 1);
  const read = (p: string): string | null => (p === file ? text : p.startsWith(folder) ? files[p.slice(folder.length)] ?? null : null);
  // The wall-clock bound off: a loaded machine must not cut one of the two analyses short.
  return analyzeFile({ file, text, readFile: read, defaultImageSize: 64, timeLimitMs: 600_000 });
}

/** Analyses every version in turn (each parse reusing the previous one) and compares each report
 *  with a fresh analysis of the same text. Returns how many top-level statements were shared with
 *  the previous version's reading. `files`: other files of the folder, by name. */
function compareOverEdits(versions: readonly string[], files: Record<string, string> = {}): number {
  let shared = 0;
  let previousBody: readonly object[] = [];
  let previousText: string | null = null;
  let layers = 0;
  forgetParsedFile(FILE);
  for (const [i, text] of versions.entries()) {
    const incremental = analyse(FILE, text, files);
    const body = parsedFile(FILE, text).module.body;
    // The same text again is the same reading (a cache hit), not a reuse.
    if (text !== previousText) shared += body.filter((s) => previousBody.includes(s)).length;
    previousBody = body;
    previousText = text;
    for (const name of Object.keys(files)) forgetParsedFile(`/fresh/${name}`);
    forgetParsedFile(FRESH);
    const fresh = JSON.parse(JSON.stringify(analyse(FRESH, text, files)).replaceAll('/fresh/', '/proj/')) as FileReport;
    assert.deepEqual(incremental, fresh, `version ${i} differs from a fresh analysis`);
    layers += incremental.models.reduce((n, m) => n + m.layers.length, 0);
  }
  assert.ok(layers > 20 * versions.length, 'the versions have models with layers to compare');
  return shared;
}

/** Versions typing `line` one character at a time, inserted at `at`. */
function typing(text: string, at: number, line: string): string[] {
  return Array.from({ length: line.length + 1 }, (_, i) => text.slice(0, at) + line.slice(0, i) + text.slice(at));
}

const model = generateModel({ targetLines: 400, seed: 7 });
const base = model.text;
const lineAfter = (needle: string): number => base.indexOf('\n', base.indexOf(needle)) + 1;

test('typing a layer into the root model, brackets open on the way', () => {
  const at = lineAfter('super().__init__()\n        self.stem');
  assert.ok(at > 0 && base.slice(at).startsWith('        self.stem = conv_bn_0(3, '), 'inside the root model');
  const shared = compareOverEdits([...typing(base, at, '        self.extra = nn.Conv2d(3, 16, kernel_size=3, padding=1)\n')]);
  assert.ok(shared > 100, `${shared} statements shared`);
});

test('edits in a class other classes use, and in a helper it calls', () => {
  const block = base.indexOf('self.conv2 = nn.Conv2d(cout, cout, kernel_size=3');
  assert.ok(block > 0);
  const versions = [base];
  let text = base.replace('self.conv2 = nn.Conv2d(cout, cout, kernel_size=3', 'self.conv2 = nn.Conv2d(cout, cout, kernel_size=5');
  versions.push(text);
  text = text.replace('padding = (kernel_size - 1) // 2 * dilation', 'padding = (kernel_size - 1) // 2 * dilation + 1');
  assert.ok(!versions.includes(text), 'the helper was edited');
  versions.push(text);
  // Back as it was: the first version's statements come back.
  versions.push(base);
  compareOverEdits(versions);
});

test('a module-level constant the classes read, and an import', () => {
  const withConstant = base.replace('import torch.nn.functional as F\n', 'import torch.nn.functional as F\n\nWIDTH = 32\n')
    .replace('self.stem = conv_bn_0(3, 32, 3, 2)', 'self.stem = conv_bn_0(3, WIDTH, 3, 2)');
  assert.notEqual(withConstant, base);
  const versions = [base, withConstant, withConstant.replace('WIDTH = 32', 'WIDTH = 48'), withConstant.replace('WIDTH = 32', 'WIDTH = 4'),
    // An import from the user's own module, whose value then changes.
    withConstant.replace('WIDTH = 32\n', 'from layers import WIDTH\n')];
  compareOverEdits(versions, { 'layers.py': 'WIDTH = 32\n' });
  compareOverEdits(versions.slice(-1), { 'layers.py': 'WIDTH = 64\n' });
  // An import renamed: nn is unknown everywhere below it (the models are incomplete).
  const withoutNn = base.replace('import torch.nn as nn\n', 'import torch.nn as nnn\n');
  compareOverEdits([base, withoutNn, base]);
});

test('lines added and removed above everything: every statement moves', () => {
  // (Moved statements are copies, so nothing is shared by identity here: the parse tests check
  // that they are reused and moved.)
  compareOverEdits([base, `# header\n${base}`, `# header\n\n\n# more\n${base}`, `\n${base}`, base]);
});

test('half-typed code: an unclosed call, a header without its colon, a stray token', () => {
  const at = lineAfter('super().__init__()\n        self.stem');
  const versions = [base,
    base.slice(0, at) + '        self.extra = nn.Conv2d(3, 16, (3,\n' + base.slice(at),
    base.slice(0, at) + '        if True\n            pass\n' + base.slice(at),
    base.slice(0, at) + '        x = ) 1\n' + base.slice(at),
    `def broken(\n${base}`,
    base];
  compareOverEdits(versions);
});
