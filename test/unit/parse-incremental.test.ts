// The editor re-parses a file from its previous version after every keystroke. Where the result
// parses cleanly, the incremental reading must give exactly the AST a fresh parse gives; inside
// broken code lezer's error recovery may settle differently (about 1 edit in 100 here), which
// is allowed, but the reading must still succeed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { changedRange, parsePython, parsePythonIncremental, type PreviousParse } from '../../server/src/engine/python/parse';
import { pick, prng, randomInt } from '../support/prng';

const MODELS = resolve(__dirname, '../../../shared/fixtures/models');

let compared = 0;

function freshAndIncremental(text: string, previous: PreviousParse): PreviousParse {
  const incremental = parsePythonIncremental(text, previous);
  const fresh = parsePython(text);
  assert.ok(incremental.tree);
  if (fresh.errors.length === 0) {
    assert.deepEqual(incremental.module, fresh);
    compared++;
  } else {
    assert.ok(incremental.module.errors.length > 0, 'broken code is reported as broken');
  }
  return { text, tree: incremental.tree };
}

test('typing a layer line character by character: every step equals a fresh parse', () => {
  const source = readFileSync(join(MODELS, 'unet.py'), 'utf8');
  const at = source.indexOf('        self.outc');
  const line = '        self.extra = nn.Conv2d(3, 64, kernel_size=3, padding=(1, 1))\n';
  let previous: PreviousParse = { text: source, tree: parsePythonIncremental(source, null).tree! };
  for (let i = 1; i <= line.length; i++) {
    previous = freshAndIncremental(source.slice(0, at) + line.slice(0, i) + source.slice(at), previous);
  }
});

test('random edits of every fixture: incremental equals fresh', () => {
  const random = prng(20261123);
  const snippets = ['(', ')', ':', '\n', '    ', 'nn.Conv2d(3,', 'x = ', '"', '#', 'def f(', '1.', ']'];
  for (const name of readdirSync(MODELS).filter((f) => f.endsWith('.py'))) {
    let text = readFileSync(join(MODELS, name), 'utf8');
    let previous: PreviousParse = { text, tree: parsePythonIncremental(text, null).tree! };
    for (let step = 0; step < 40; step++) {
      const pos = randomInt(random, text.length + 1);
      text = random() < 0.5
        ? text.slice(0, pos) + pick(random, snippets) + text.slice(pos)
        : text.slice(0, pos) + text.slice(Math.min(text.length, pos + 1 + randomInt(random, 30)));
      previous = freshAndIncremental(text, previous);
    }
  }
  assert.ok(compared > 25, `${compared} clean versions compared`);
});

/** The changed range as defined: character by character, the suffix in what follows the prefix. */
function changedRangeByCharacters(a: string, b: string): { prefix: number; suffix: number } {
  const limit = Math.min(a.length, b.length);
  let prefix = 0;
  while (prefix < limit && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < limit - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  return { prefix, suffix };
}

test('the changed range between two versions equals a comparison character by character', () => {
  const random = prng(20261208);
  const base = readFileSync(join(MODELS, 'unet.py'), 'utf8');
  // Repeated text makes prefix and suffix compete for the same characters; edits at and around
  // multiples of the compared block's size (512) are where a block comparison would slip.
  const texts = [base, 'ab'.repeat(1500), 'x'.repeat(2048)];
  let cases = 0;
  for (const text of texts) {
    const positions = [0, 1, 511, 512, 513, 1023, 1024, 1025, text.length - 513, text.length - 512, text.length - 1, text.length];
    for (let i = 0; i < 60; i++) positions.push(randomInt(random, text.length + 1));
    for (const pos of positions) {
      for (const edit of ['', 'y', 'ab', 'x'.repeat(600)]) {
        const removed = randomInt(random, 3) === 0 ? randomInt(random, 700) : 0;
        const other = text.slice(0, pos) + edit + text.slice(Math.min(text.length, pos + removed));
        assert.deepEqual(changedRange(text, other), changedRangeByCharacters(text, other), `at ${pos}, +${edit.length} -${removed}`);
        assert.deepEqual(changedRange(other, text), changedRangeByCharacters(other, text));
        cases++;
      }
    }
  }
  assert.deepEqual(changedRange('', ''), { prefix: 0, suffix: 0 });
  assert.deepEqual(changedRange('same', 'same'), { prefix: 4, suffix: 0 });
  assert.ok(cases > 800);
});
