// The editor's re-parse takes unchanged top-level statements from the previous reading instead of
// converting them again (lezer/statementReuse.ts). That must never change the AST: with the same
// lezer tree, a reading with reuse equals one without, on broken code too, with the statements
// moved where an edit above them moved them; and an earlier reading's AST is never changed by a
// later one (readings share nodes).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parsePython, parsePythonIncremental, type PreviousParse } from '../../server/src/engine/python/parse';
import type { PyModule } from '../../server/src/engine/python/ast';
import { pick, prng, randomInt } from '../support/prng';

const MODELS = resolve(__dirname, '../../../shared/fixtures/models');

interface Reading {
  previous: PreviousParse;
  module: PyModule;
  /** A deep copy taken right after the reading, to catch later changes to shared nodes. */
  snapshot: PyModule;
}

/** A file's first reading and the same text read again, which keeps its statements for the next. */
function readTwice(text: string): Reading {
  return read(text, read(text, null));
}

function read(text: string, before: Reading | null): Reading {
  const withReuse = parsePythonIncremental(text, before?.previous ?? null);
  // The same lezer reuse, no statement reuse: every statement converted from the tree.
  const converted = parsePythonIncremental(text, before ? { text: before.previous.text, tree: before.previous.tree } : null);
  assert.deepEqual(withReuse.module, converted.module);
  assert.ok(withReuse.tree);
  // A file read for the first time keeps no statements (a library file is read once).
  assert.equal(withReuse.statements === null, before === null);
  if (before) assert.deepEqual(before.module, before.snapshot, 'the previous reading is unchanged');
  return { previous: { text, tree: withReuse.tree, statements: withReuse.statements ?? undefined }, module: withReuse.module, snapshot: structuredClone(withReuse.module) };
}

test('typing a layer with open brackets: equal to converting everything, earlier readings untouched', () => {
  const source = readFileSync(join(MODELS, 'unet.py'), 'utf8');
  const at = source.indexOf('        self.outc');
  const line = '        self.extra = nn.Conv2d(3, 64, kernel_size=(3, 3), padding=[1, 1])\n';
  let reading = readTwice(source);
  for (let i = 1; i <= line.length; i++) reading = read(source.slice(0, at) + line.slice(0, i) + source.slice(at), reading);
});

test('statements before an edit are shared, statements after it move with it', () => {
  const source = 'import torch\n\n\ndef f(x):\n    return x + 1\n\n\nclass A:\n    k = (1, 2)\n\n\ny = f(2)\n';
  const first = readTwice(source);
  // An edit inside class A: f is shared as is, y moves by the inserted length.
  const edited = source.replace('k = (1, 2)', 'k = (1, 2, 3)');
  const second = read(edited, first);
  assert.equal(second.module.body[1], first.module.body[1], 'def f is the same node');
  assert.notEqual(second.module.body[3], first.module.body[3]);
  assert.deepEqual(second.module, parsePython(edited));
  assert.equal(second.module.body[3]!.from, edited.indexOf('y = f(2)'));
  // A line added above everything: every statement moves, none is shared, all equal a fresh parse.
  const shiftedText = `# a comment\n${edited}`;
  const third = read(shiftedText, second);
  assert.deepEqual(third.module, parsePython(shiftedText));
  assert.notEqual(third.module.body[1], second.module.body[1]);
});

test('a half-typed call above reused statements: the repaired reading maps them back, shared ones untouched', () => {
  const source = 'import torch.nn as nn\n\n\nclass A(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.c = nn.Conv2d(3, 8, 3)\n\n\nclass B(nn.Module):\n    pass\n';
  const first = readTwice(source);
  const broken = source.replace('self.c = nn.Conv2d(3, 8, 3)', 'self.c = nn.Conv2d(3, 8, 3');
  const second = read(broken, first);
  assert.ok(second.module.errors.some((e) => e.message.includes('never closed')));
  const b = second.module.body[second.module.body.length - 1]!;
  assert.equal(b.from, broken.indexOf('class B'));
  assert.equal(second.module.body[0], first.module.body[0], 'the import is shared');
});

/** The largest offset anywhere in an AST node. */
function lastOffset(node: object): number {
  let last = -1;
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(visit);
    for (const [key, child] of Object.entries(v)) {
      if ((key === 'from' || key === 'to') && typeof child === 'number') last = Math.max(last, child);
      else visit(child);
    }
  };
  visit(node);
  return last;
}

test('every top-level statement lies before the next one starts, in broken code too (what a repaired reading relies on)', () => {
  // A repaired reading keeps a statement as it is when nothing was inserted before the next
  // statement's start; its own end is not enough (a half-typed child can reach past it).
  const random = prng(5);
  const snippets = ['(', ')', ':', '\n', '    ', 'nn.Conv2d(3,', 'x = ', '"', '#', 'def f(', '1.', ']', 'print x\n', '[', '{', 'if x\n'];
  let statements = 0;
  for (const name of readdirSync(MODELS).filter((f) => f.endsWith('.py'))) {
    let text = readFileSync(join(MODELS, name), 'utf8');
    for (let step = 0; step < 150; step++) {
      const pos = randomInt(random, text.length + 1);
      text = random() < 0.6
        ? text.slice(0, pos) + pick(random, snippets) + text.slice(pos)
        : text.slice(0, pos) + text.slice(Math.min(text.length, pos + 1 + randomInt(random, 30)));
      const body = parsePython(text).body;
      body.slice(0, -1).forEach((stmt, i) => {
        statements++;
        assert.ok(lastOffset(stmt) <= body[i + 1]!.from, `${name}: ${stmt.kind} at ${stmt.from} reaches past the next statement`);
      });
    }
  }
  assert.ok(statements > 1000);
});

test('random edits of every fixture: reuse equals converting everything', () => {
  const random = prng(20261206);
  const snippets = ['(', ')', ':', '\n', '    ', 'nn.Conv2d(3,', 'x = ', '"', '#', 'def f(', '1.', ']', '\nclass C:\n    pass\n', 'print x\n'];
  let steps = 0;
  for (const name of readdirSync(MODELS).filter((f) => f.endsWith('.py'))) {
    let text = readFileSync(join(MODELS, name), 'utf8');
    let reading = readTwice(text);
    for (let step = 0; step < 30; step++) {
      const pos = randomInt(random, text.length + 1);
      text = random() < 0.5
        ? text.slice(0, pos) + pick(random, snippets) + text.slice(pos)
        : text.slice(0, pos) + text.slice(Math.min(text.length, pos + 1 + randomInt(random, 30)));
      reading = read(text, reading);
      steps++;
    }
  }
  assert.ok(steps > 100);
});
