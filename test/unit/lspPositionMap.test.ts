// The language server's position mapping across incremental edits, against a brute-force oracle
// on offsets: apply each edit to the text and follow every character.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { endOfInsertion, mapBackward, mapForward, type Bias, type RangeEdit } from '../../server/src/lsp/positionMap';
import { prng } from '../support/prng';

function randomText(rand: () => number, length: number): string {
  const alphabet = 'ab \n\nxyz=(.)';
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
  return s;
}

interface OffsetEdit {
  from: number;
  to: number;
  text: string;
}

/** Where the character (or boundary) at offset `o` goes: the oracle, on plain offsets. */
function oracle(o: number, e: OffsetEdit, bias: Bias): number | null {
  const delta = e.text.length - (e.to - e.from);
  if (o < e.from || (bias === 'before' && o === e.from)) return o;
  if (o >= e.to) return o + delta;
  return null;
}

test('positions move across random edit sequences exactly as the characters do', () => {
  const rand = prng(1234);
  for (let trial = 0; trial < 300; trial++) {
    const text0 = randomText(rand, 1 + Math.floor(rand() * 60));
    // TextDocument.update changes the document in place: keep the original apart.
    const original = TextDocument.create('file:///t.py', 'python', 0, text0);
    let doc = TextDocument.create('file:///t.py', 'python', 0, text0);
    const edits: RangeEdit[] = [];
    // Follow every original offset (both biases) through the edits on plain offsets.
    let tracked = new Map<Bias, (number | null)[]>(
      (['before', 'after'] as const).map((b) => [b, Array.from({ length: original.getText().length + 1 }, (_, i) => i)]),
    );
    const steps = 1 + Math.floor(rand() * 4);
    for (let k = 0; k < steps; k++) {
      const length = doc.getText().length;
      const a = Math.floor(rand() * (length + 1));
      const b = Math.min(length, a + Math.floor(rand() * 4));
      const text = rand() < 0.4 ? '' : randomText(rand, Math.floor(rand() * 5));
      const start = doc.positionAt(a);
      const end = doc.positionAt(b);
      edits.push({ start, end, newEnd: endOfInsertion(start, text) });
      const next = new Map<Bias, (number | null)[]>();
      for (const [bias, offsets] of tracked) next.set(bias, offsets.map((o) => (o === null ? null : oracle(o, { from: a, to: b, text }, bias))));
      tracked = next;
      doc = TextDocument.update(doc, [{ range: { start, end }, text }], k + 1);
      assert.deepEqual(edits[edits.length - 1].newEnd, doc.positionAt(a + text.length));
    }
    for (const bias of ['before', 'after'] as const) {
      const offsets = tracked.get(bias)!;
      for (let o = 0; o <= original.getText().length; o++) {
        const mapped = mapForward(original.positionAt(o), edits, bias);
        const expected = offsets[o];
        assert.deepEqual(mapped, expected === null ? null : doc.positionAt(expected), `trial ${trial}, offset ${o}, ${bias}`);
        // Back again: every surviving character maps back to itself.
        if (expected !== null && bias === 'after') assert.deepEqual(mapBackward(doc.positionAt(expected), edits, 'after'), original.positionAt(o));
      }
    }
  }
});

test('text typed on a new line leaves every line below mapped one line down', () => {
  const edits: RangeEdit[] = [];
  // Enter at the end of line 3 (length 20), then type "self.x" on the new line.
  let at = { line: 3, character: 20 };
  edits.push({ start: at, end: at, newEnd: endOfInsertion(at, '\n        ') });
  at = { line: 4, character: 8 };
  for (const c of 'self.x') {
    edits.push({ start: at, end: at, newEnd: endOfInsertion(at, c) });
    at = { line: 4, character: at.character + 1 };
  }
  assert.deepEqual(mapForward({ line: 7, character: 12 }, edits), { line: 8, character: 12 });
  assert.deepEqual(mapBackward({ line: 8, character: 12 }, edits), { line: 7, character: 12 });
  assert.deepEqual(mapForward({ line: 3, character: 20 }, edits, 'before'), { line: 3, character: 20 });
  assert.equal(mapBackward({ line: 4, character: 10 }, edits), null);
  assert.deepEqual(mapForward({ line: 2, character: 5 }, edits), { line: 2, character: 5 });
});
