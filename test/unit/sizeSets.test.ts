// Sets of sizes in words: each text is read back by a small independent reader over 1..hi and must
// give the same set; hand-worked texts for the shapes of sets real models have.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseSize, describeSizes, nearestSizes } from '../../server/src/engine/sizeSets';

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

test('texts of the sets real models have', () => {
  assert.equal(describeSizes([28, 29], 1, 512), '28 or 29');
  assert.equal(describeSizes([28], 1, 512), 'exactly 28');
  assert.equal(describeSizes(range(25, 56), 1, 512), '25–56');
  assert.equal(describeSizes(range(16, 512), 1, 512), 'any size from 16');
  assert.equal(describeSizes(range(1, 16).map((k) => 32 * k), 1, 512), 'multiples of 32 from 32');
  assert.equal(describeSizes([1, ...range(1, 64).map((k) => 8 * k)], 1, 512), '1, and multiples of 8 from 8');
  assert.equal(describeSizes(range(32, 512).filter((n) => n % 32 < 8), 1, 512), 'sizes whose remainder by 32 is 0–7, from 32');
  assert.equal(describeSizes(range(8, 512).filter((n) => n % 5 === 3), 1, 512), '5k+3 from 8');
  assert.equal(describeSizes([], 1, 512), 'none');
});

/** An independent reader of the texts above. */
function readBack(text: string, hi: number): number[] {
  let m: RegExpExecArray | null;
  if (text === 'none') return [];
  if ((m = /^exactly (\d+)$/.exec(text))) return [Number(m[1])];
  if ((m = /^(\d+) or (\d+)$/.exec(text))) return [Number(m[1]), Number(m[2])];
  if ((m = /^(\d+)–(\d+)$/.exec(text))) return range(Number(m[1]), Number(m[2]));
  if ((m = /^any size from (\d+)$/.exec(text))) return range(Number(m[1]), hi);
  if ((m = /^multiples of (\d+) from (\d+)$/.exec(text))) return range(Number(m[2]), hi).filter((n) => n % Number(m![1]) === 0);
  if ((m = /^(\d+)k\+(\d+) from (\d+)$/.exec(text))) return range(Number(m[3]), hi).filter((n) => n % Number(m![1]) === Number(m![2]));
  if ((m = /^sizes whose remainder by (\d+) is ([\d–, or]+), from (\d+)$/.exec(text))) {
    const [p, s] = [Number(m[1]), Number(m[3])];
    const residues = m[2]!.split(/, | or /).flatMap((item) => {
      const [a, b] = item.split('–').map(Number);
      return range(a!, b ?? a!);
    });
    return range(s, hi).filter((n) => residues.includes(n % p));
  }
  if ((m = /^([\d, ]+), and (.*)$/.exec(text))) return [...m[1]!.split(', ').map(Number), ...readBack(m[2]!, hi)];
  return [-1];
}

test('periodic sets with a prefix, read back', () => {
  let read = 0;
  for (let seed = 1; seed <= 300; seed++) {
    let x = seed * 7919;
    const rnd = (k: number) => ((x = (x * 48271) % 2147483647), x % k);
    const p = 2 + rnd(40);
    const residues = new Set(Array.from({ length: 1 + rnd(3) }, () => rnd(p)));
    const start = 1 + rnd(60);
    const extra = rnd(3) ? [] : [1 + rnd(start)].filter((n) => n < start);
    const valid = [...new Set([...extra, ...range(start, 512).filter((n) => residues.has(n % p))])].sort((a, b) => a - b);
    const text = describeSizes(valid, 1, 512);
    const back = readBack(text, 512);
    if (back[0] === -1) continue; // a list or ranges: not a form this reader knows
    assert.deepEqual([...new Set(back)].sort((a, b) => a - b), valid, text);
    read++;
  }
  assert.ok(read >= 250, `${read} of 300 texts in the forms read back`);
});

test('nearest sizes and the size chosen for a guess', () => {
  assert.deepEqual(nearestSizes([224, 256], 250), [224, 256]);
  assert.deepEqual(nearestSizes([224, 256], 224), [224]);
  assert.equal(chooseSize([28, 29], 224), 28);
  assert.equal(chooseSize(range(25, 56), 224), 32);
  assert.equal(chooseSize(range(1, 2).map((k) => 256 * k), 224), 256);
  assert.equal(chooseSize(range(16, 512), 224), 224);
  assert.equal(chooseSize([], 224), null);
});
