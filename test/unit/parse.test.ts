// The Python front end: source -> typed AST (server/src/engine/python/ast.ts).
//
// Oracles: CPython's own parser (parse-golden/constructs.ast.json, written by
// parse-golden/dump_cpython_ast.py) for valid code, spans included; hand-written expected
// trees for single constructs; the source text itself for spans of names and attributes.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parsePython } from '../../server/src/engine/python/parse';
import { LineIndex } from '../../server/src/engine/python/lineIndex';
import type * as A from '../../server/src/engine/python/ast';

const GOLDEN = resolve(__dirname, 'parse-golden');
const MODELS = [resolve(__dirname, '../../../shared/fixtures/models'), resolve(__dirname, '../fixtures/shared/models')].find((p) => existsSync(p))!;

// ---------------------------------------------------------------- helpers

/** Drops what CPython has no counterpart for (messages, name/attribute sub-spans, spans of params/aliases/handlers). */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value === null || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  if (o.kind === 'ErrorExpr' || o.kind === 'ErrorStmt') return { kind: o.kind, from: o.from, to: o.to };
  const isParam = 'default' in o && 'annotation' in o;
  const isAlias = 'asname' in o;
  const isHandler = 'type' in o && 'body' in o && !('kind' in o);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'attrSpan' || k === 'nameSpan' || k === 'message') continue;
    if ((k === 'from' || k === 'to') && (isParam || isAlias || isHandler)) continue;
    out[k] = normalize(v);
  }
  return out;
}

/** The tree without any spans, for comparing against hand-written expectations. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k === 'from' || k === 'to' || k === 'attrSpan' || k === 'nameSpan') continue;
    out[k] = shape(v);
  }
  return out;
}

function parseOk(src: string): A.PyModule {
  const m = parsePython(src);
  assert.deepEqual(m.errors, [], `unexpected errors for ${JSON.stringify(src)}`);
  return m;
}

/** The expression of a one-line `x = <expr>` (or bare expression) source, without spans. */
function expr(src: string): unknown {
  const m = parseOk(src);
  assert.equal(m.body.length, 1);
  const s = m.body[0];
  if (s.kind === 'Assign') return shape(s.value);
  if (s.kind === 'Expr') return shape(s.expr);
  throw new Error(`not an expression statement: ${s.kind}`);
}

const name = (id: string) => ({ kind: 'Name', id });
const int = (value: number) => ({ kind: 'Number', value, isInt: true });
const float = (value: number) => ({ kind: 'Number', value, isInt: false });
const str = (value: string) => ({ kind: 'String', value });
const pos = (value: unknown) => ({ kind: 'pos', name: null, value });
const kw = (n: string, value: unknown) => ({ kind: 'kw', name: n, value });
const attr = (obj: unknown, a: string) => ({ kind: 'Attribute', obj, attr: a });
const call = (func: unknown, ...args: unknown[]) => ({ kind: 'Call', func, args });
const binop = (op: string, left: unknown, right: unknown) => ({ kind: 'BinOp', op, left, right });
const boolop = (op: string, ...values: unknown[]) => ({ kind: 'BoolOp', op, values });
const not = (operand: unknown) => ({ kind: 'UnaryOp', op: 'not', operand });
const slice = (lower: unknown, upper: unknown, step: unknown) => ({ kind: 'Slice', lower, upper, step });
const param = (n: string, kind: string, dflt: unknown = null, annotation: unknown = null) => ({ name: n, kind, default: dflt, annotation });

/** Every node of a tree, depth first. */
function* nodes(value: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(value)) {
    for (const v of value) yield* nodes(v);
  } else if (value !== null && typeof value === 'object') {
    yield value as Record<string, unknown>;
    for (const v of Object.values(value)) yield* nodes(v);
  }
}

const fixtureNames = readdirSync(MODELS).filter((f) => f.endsWith('.py')).sort();
const fixture = (f: string) => readFileSync(resolve(MODELS, f), 'utf8');

// ---------------------------------------------------------------- CPython as the oracle

describe('agrees with CPython', () => {
  test('constructs.py: every node, value and span equals CPython 3.11 ast', () => {
    const src = readFileSync(resolve(GOLDEN, 'constructs.py'), 'utf8');
    const expected = JSON.parse(readFileSync(resolve(GOLDEN, 'constructs.ast.json'), 'utf8')) as { body: unknown[] };
    const m = parseOk(src);
    assert.equal(m.body.length, expected.body.length);
    // Statement by statement, so a failure names the line.
    m.body.forEach((stmt, i) => {
      const line = new LineIndex(src).position(stmt.from).line + 1;
      assert.deepStrictEqual(normalize(stmt), expected.body[i], `statement on line ${line}`);
    });
  });
});

// ---------------------------------------------------------------- literals

describe('literals', () => {
  test('integers: decimal, hex, octal, binary, underscores', () => {
    assert.deepEqual(expr('x = [0, 7, 1_000, 0xff, 0X_1F, 0o17, 0b1010, 0B1_1]'), {
      kind: 'List',
      elts: [int(0), int(7), int(1000), int(255), int(31), int(15), int(10), int(3)],
    });
  });

  test('floats: fraction, exponent, leading and trailing dot', () => {
    assert.deepEqual(expr('x = [1.5, .5, 1e3, 2E-2, 1_0.5, 1., 3.e2, 1.e-5]'), {
      kind: 'List',
      elts: [float(1.5), float(0.5), float(1000), float(0.02), float(10.5), float(1), float(300), float(1e-5)],
    });
  });

  test('`1.` is a float before operators and keywords, spanning its own text', () => {
    const src = 'y = 1. / x if a else 2. or 0.\n';
    const m = parseOk(src);
    const s = m.body[0] as A.AssignStmt;
    assert.deepEqual(shape(s.value), {
      kind: 'IfExp',
      test: name('a'),
      body: binop('/', float(1), name('x')),
      orelse: boolop('or', float(2), float(0)),
    });
    const floats = [...nodes(s.value)].filter((n) => n.kind === 'Number');
    assert.deepEqual(floats.map((n) => src.slice(n.from as number, n.to as number)), ['1.', '2.', '0.']);
  });

  test('1e3 is a float, 1000 an int', () => {
    assert.deepEqual(expr('1e3'), float(1000));
    assert.deepEqual(expr('1000'), int(1000));
  });

  test('complex numbers are kept as ErrorExpr (no place in shape arithmetic)', () => {
    const e = expr('2j') as { kind: string };
    assert.equal(e.kind, 'ErrorExpr');
  });

  test('True, False, None, Ellipsis', () => {
    assert.deepEqual(expr('x = (True, False, None, ...)'), {
      kind: 'Tuple',
      elts: [{ kind: 'Const', value: true }, { kind: 'Const', value: false }, { kind: 'Const', value: null }, { kind: 'Ellipsis' }],
    });
  });

  test('string escapes, raw strings, bytes, implicit concatenation', () => {
    assert.deepEqual(expr(String.raw`x = 'a\n\t\\\'\x41\u00e9\101'`), str('a\n\t\\\'Aé' + 'A'));
    assert.deepEqual(expr(String.raw`x = r'a\n\d'`), str('a\\n\\d'));
    assert.deepEqual(expr(String.raw`x = b'\x00ab'`), str('\\x00ab'));
    assert.deepEqual(expr(`x = 'ab' "cd" '''ef'''`), str('abcdef'));
    assert.deepEqual(expr('x = """two\nlines"""'), str('two\nlines'));
    assert.deepEqual(expr("x = 'line \\\ncontinued'"), str('line continued'));
  });

  test('f-string: fields, conversions, nested format spec, doubled braces', () => {
    assert.deepEqual(expr('x = f"a{n!r:>{w}d}b{{c}}"'), {
      kind: 'FString',
      parts: [
        'a',
        { expr: name('n'), conversion: 'r', formatSpec: ['>', { expr: name('w'), conversion: null, formatSpec: null }, 'd'] },
        'b{c}',
      ],
    });
  });

  test('f-string: self-documenting `=` keeps its text and defaults to repr', () => {
    assert.deepEqual(expr('x = f"{a + 1=}{b = :>4}"'), {
      kind: 'FString',
      parts: [
        'a + 1=',
        { expr: binop('+', name('a'), int(1)), conversion: 'r', formatSpec: null },
        'b = ',
        { expr: name('b'), conversion: null, formatSpec: ['>4'] },
      ],
    });
  });

  test('f-string concatenated with plain strings; conversions !s !a', () => {
    assert.deepEqual(expr(`x = 'p' f'{a!s}' "q" f"{b!a}"`), {
      kind: 'FString',
      parts: ['p', { expr: name('a'), conversion: 's', formatSpec: null }, 'q', { expr: name('b'), conversion: 'a', formatSpec: null }],
    });
  });
});

// ---------------------------------------------------------------- expressions

describe('expressions', () => {
  test('attribute chain with the attribute name span', () => {
    const src = 'y = self.conv1.weight\n';
    const s = parseOk(src).body[0] as A.AssignStmt;
    assert.deepEqual(shape(s.value), attr(attr(name('self'), 'conv1'), 'weight'));
    const a = s.value as A.AttributeExpr;
    assert.deepEqual(a.attrSpan, { from: src.indexOf('weight'), to: src.indexOf('weight') + 6 });
    assert.deepEqual({ from: a.from, to: a.to }, { from: 4, to: 21 });
  });

  test('subscripts: index, slices, tuple of slices, ellipsis, None', () => {
    assert.deepEqual(expr('x[:, :, a:b]'), {
      kind: 'Subscript',
      obj: name('x'),
      index: { kind: 'Tuple', elts: [slice(null, null, null), slice(null, null, null), slice(name('a'), name('b'), null)] },
    });
    assert.deepEqual(expr('x[1:2:3]'), { kind: 'Subscript', obj: name('x'), index: slice(int(1), int(2), int(3)) });
    assert.deepEqual(expr('x[::2]'), { kind: 'Subscript', obj: name('x'), index: slice(null, null, int(2)) });
    assert.deepEqual(expr('x[..., None]'), {
      kind: 'Subscript',
      obj: name('x'),
      index: { kind: 'Tuple', elts: [{ kind: 'Ellipsis' }, { kind: 'Const', value: null }] },
    });
    assert.deepEqual(expr('x[0,]'), { kind: 'Subscript', obj: name('x'), index: { kind: 'Tuple', elts: [int(0)] } });
    assert.deepEqual(expr('x[-1]'), { kind: 'Subscript', obj: name('x'), index: { kind: 'UnaryOp', op: '-', operand: int(1) } });
  });

  test('calls: positional, keyword, *args, **kwargs, in source order', () => {
    assert.deepEqual(expr('f(a, b=1, *c, d=2, **e)'), call(
      name('f'),
      pos(name('a')),
      kw('b', int(1)),
      { kind: 'star', name: null, value: name('c') },
      kw('d', int(2)),
      { kind: 'dstar', name: null, value: name('e') },
    ));
  });

  test('calls: generator argument, walrus argument, trailing comma, comments', () => {
    assert.deepEqual(expr('sum(i for i in x)'), call(name('sum'), pos({
      kind: 'Comprehension', type: 'generator', elt: name('i'), generators: [{ target: name('i'), iter: name('x'), ifs: [] }],
    })));
    assert.deepEqual(expr('f(y := 3)'), call(name('f'), pos({ kind: 'Named', target: name('y'), value: int(3) })));
    assert.deepEqual(expr('f(\n  a,  # first\n  b,\n)'), call(name('f'), pos(name('a')), pos(name('b'))));
  });

  test('binary operators and their precedence', () => {
    assert.deepEqual(expr('a + b * c ** d // e'), binop('+', name('a'), binop('//', binop('*', name('b'), binop('**', name('c'), name('d'))), name('e'))));
    assert.deepEqual(expr('a @ b % c - d / e'), binop('-', binop('%', binop('@', name('a'), name('b')), name('c')), binop('/', name('d'), name('e'))));
    assert.deepEqual(expr('a | b ^ c & d << e >> f'), binop('|', name('a'), binop('^', name('b'), binop('&', name('c'), binop('>>', binop('<<', name('d'), name('e')), name('f'))))));
    // ** is right-associative and binds tighter than unary minus on its left.
    assert.deepEqual(expr('-a ** -b ** c'), {
      kind: 'UnaryOp', op: '-', operand: binop('**', name('a'), { kind: 'UnaryOp', op: '-', operand: binop('**', name('b'), name('c')) }),
    });
    assert.deepEqual(expr('~a + +b'), binop('+', { kind: 'UnaryOp', op: '~', operand: name('a') }, { kind: 'UnaryOp', op: '+', operand: name('b') }));
  });

  test('and/or chains are flattened; parentheses keep their grouping', () => {
    assert.deepEqual(expr('a and b and c or d or e'), boolop('or', boolop('and', name('a'), name('b'), name('c')), name('d'), name('e')));
    assert.deepEqual(expr('(a and b) and c'), boolop('and', boolop('and', name('a'), name('b')), name('c')));
  });

  test('`not` binds tighter than and/or, looser than comparisons', () => {
    assert.deepEqual(expr('not a or b'), boolop('or', not(name('a')), name('b')));
    assert.deepEqual(expr('a or not b and c'), boolop('or', name('a'), boolop('and', not(name('b')), name('c'))));
    assert.deepEqual(expr('not a and b or c'), boolop('or', boolop('and', not(name('a')), name('b')), name('c')));
    assert.deepEqual(expr('x and not a or b'), boolop('or', boolop('and', name('x'), not(name('a'))), name('b')));
    assert.deepEqual(expr('not (a or b)'), not(boolop('or', name('a'), name('b'))));
    assert.deepEqual(expr('not not a'), not(not(name('a'))));
    assert.deepEqual(expr('not a == b'), not({ kind: 'Compare', left: name('a'), ops: ['=='], comparators: [name('b')] }));
  });

  test('`not a or b` spans: UnaryOp covers `not a`, BoolOp the whole', () => {
    const src = 'y = not a or b\n';
    const v = (parseOk(src).body[0] as A.AssignStmt).value as A.BoolOpExpr;
    assert.equal(src.slice(v.from, v.to), 'not a or b');
    assert.equal(src.slice(v.values[0].from, v.values[0].to), 'not a');
  });

  test('comparison chains, including `not in` and `is not`', () => {
    assert.deepEqual(expr('a < b <= c != d'), { kind: 'Compare', left: name('a'), ops: ['<', '<=', '!='], comparators: [name('b'), name('c'), name('d')] });
    assert.deepEqual(expr('a in b not in c is d is not e'), {
      kind: 'Compare', left: name('a'), ops: ['in', 'not in', 'is', 'is not'], comparators: [name('b'), name('c'), name('d'), name('e')],
    });
    assert.deepEqual(expr('(a < b) < c'), {
      kind: 'Compare', left: { kind: 'Compare', left: name('a'), ops: ['<'], comparators: [name('b')] }, ops: ['<'], comparators: [name('c')],
    });
  });

  test('conditional expressions nest to the right', () => {
    assert.deepEqual(expr('a if b else c if d else e'), {
      kind: 'IfExp', test: name('b'), body: name('a'), orelse: { kind: 'IfExp', test: name('d'), body: name('c'), orelse: name('e') },
    });
  });

  test('lambda parameters: defaults, *args, kw-only, **kw, bare *', () => {
    assert.deepEqual(expr('lambda a, b=1, *c, d, e=2, **f: a'), {
      kind: 'Lambda',
      params: [param('a', 'normal'), param('b', 'normal', int(1)), param('c', 'varargs'), param('d', 'kwonly'), param('e', 'kwonly', int(2)), param('f', 'varkw')],
      body: name('a'),
    });
    assert.deepEqual(expr('lambda *, k: k'), { kind: 'Lambda', params: [param('k', 'kwonly')], body: name('k') });
    assert.deepEqual(expr('lambda: 0'), { kind: 'Lambda', params: [], body: int(0) });
  });

  test('comprehensions: list/set/generator/dict, nested for and if, tuple and starred targets', () => {
    assert.deepEqual(expr('[i for i in r if i if j for k in z]'), {
      kind: 'Comprehension', type: 'list', elt: name('i'),
      generators: [{ target: name('i'), iter: name('r'), ifs: [name('i'), name('j')] }, { target: name('k'), iter: name('z'), ifs: [] }],
    });
    assert.deepEqual(expr('{a for a, *b in p}'), {
      kind: 'Comprehension', type: 'set', elt: name('a'),
      generators: [{ target: { kind: 'Tuple', elts: [name('a'), { kind: 'Starred', value: name('b') }] }, iter: name('p'), ifs: [] }],
    });
    assert.deepEqual(expr('(x for x in y)'), {
      kind: 'Comprehension', type: 'generator', elt: name('x'), generators: [{ target: name('x'), iter: name('y'), ifs: [] }],
    });
    assert.deepEqual(expr('{k: v for k, v in d.items() if v}'), {
      kind: 'DictComp', key: name('k'), value: name('v'),
      generators: [{ target: { kind: 'Tuple', elts: [name('k'), name('v')] }, iter: call(attr(name('d'), 'items')), ifs: [name('v')] }],
    });
  });

  test('displays: tuples, lists, sets, dicts with starred and ** entries', () => {
    assert.deepEqual(expr('x = ()'), { kind: 'Tuple', elts: [] });
    assert.deepEqual(expr('x = (1,)'), { kind: 'Tuple', elts: [int(1)] });
    assert.deepEqual(expr('x = 1, 2,'), { kind: 'Tuple', elts: [int(1), int(2)] });
    assert.deepEqual(expr('x = [1, *a]'), { kind: 'List', elts: [int(1), { kind: 'Starred', value: name('a') }] });
    assert.deepEqual(expr('x = {1, *a}'), { kind: 'Set', elts: [int(1), { kind: 'Starred', value: name('a') }] });
    assert.deepEqual(expr("x = {'a': 1, **b}"), { kind: 'Dict', items: [{ key: str('a'), value: int(1) }, { key: null, value: name('b') }] });
    assert.deepEqual(expr('x = {}'), { kind: 'Dict', items: [] });
  });

  test('walrus in a condition', () => {
    const s = parseOk('if (n := len(x)) > 3:\n    pass\n').body[0] as A.IfStmt;
    assert.deepEqual(shape(s.test), {
      kind: 'Compare', left: { kind: 'Named', target: name('n'), value: call(name('len'), pos(name('x'))) }, ops: ['>'], comparators: [int(3)],
    });
  });
});

// ---------------------------------------------------------------- statements

describe('statements', () => {
  test('assignment: chained, tuple unpacking, starred target', () => {
    const m = parseOk('a = b = c\nx, (y, z) = t\nfirst, *rest = s\n');
    assert.deepEqual(shape(m.body), [
      { kind: 'Assign', targets: [name('a'), name('b')], value: name('c') },
      { kind: 'Assign', targets: [{ kind: 'Tuple', elts: [name('x'), { kind: 'Tuple', elts: [name('y'), name('z')] }] }], value: name('t') },
      { kind: 'Assign', targets: [{ kind: 'Tuple', elts: [name('first'), { kind: 'Starred', value: name('rest') }] }], value: name('s') },
    ]);
  });

  test('annotated and augmented assignment', () => {
    const m = parseOk('n: int = 3\nlabel: str\nx += 1\nx //= 2\nx **= 2\nx @= m\nx >>= 1\n');
    assert.deepEqual(shape(m.body), [
      { kind: 'AnnAssign', target: name('n'), annotation: name('int'), value: int(3) },
      { kind: 'AnnAssign', target: name('label'), annotation: name('str'), value: null },
      { kind: 'AugAssign', target: name('x'), op: '+', value: int(1) },
      { kind: 'AugAssign', target: name('x'), op: '//', value: int(2) },
      { kind: 'AugAssign', target: name('x'), op: '**', value: int(2) },
      { kind: 'AugAssign', target: name('x'), op: '@', value: name('m') },
      { kind: 'AugAssign', target: name('x'), op: '>>', value: int(1) },
    ]);
  });

  test('del, assert, raise, global, nonlocal, pass/break/continue, return', () => {
    const m = parseOk('del a, b[0]\nassert x, "m"\nassert y\nraise E from f\nraise\nglobal g, h\npass\nreturn a, b\nreturn\n');
    assert.deepEqual(shape(m.body), [
      { kind: 'Del', targets: [name('a'), { kind: 'Subscript', obj: name('b'), index: int(0) }] },
      { kind: 'Assert', test: name('x'), msg: str('m') },
      { kind: 'Assert', test: name('y'), msg: null },
      { kind: 'Raise', exc: name('E') },
      { kind: 'Raise', exc: null },
      { kind: 'Global', names: ['g', 'h'] },
      { kind: 'Pass' },
      { kind: 'Return', value: { kind: 'Tuple', elts: [name('a'), name('b')] } },
      { kind: 'Return', value: null },
    ]);
    const inner = parseOk('def f():\n    x = 0\n    def g():\n        nonlocal x\n').body[0] as A.FunctionDef;
    assert.deepEqual(shape((inner.body[1] as A.FunctionDef).body), [{ kind: 'Nonlocal', names: ['x'] }]);
    const loop = parseOk('for i in x:\n    break\n    continue\n').body[0] as A.ForStmt;
    assert.deepEqual(shape(loop.body), [{ kind: 'Break' }, { kind: 'Continue' }]);
  });

  test('imports: dotted, as, relative levels, parenthesized, star', () => {
    const m = parseOk('import torch.nn as nn, os\nfrom . import a\nfrom ..pkg.mod import (b as c, d,)\nfrom ... import e\nfrom torch import *\n');
    assert.deepEqual(shape(m.body), [
      { kind: 'Import', names: [{ name: 'torch.nn', asname: 'nn' }, { name: 'os', asname: null }] },
      { kind: 'ImportFrom', module: null, level: 1, names: [{ name: 'a', asname: null }] },
      { kind: 'ImportFrom', module: 'pkg.mod', level: 2, names: [{ name: 'b', asname: 'c' }, { name: 'd', asname: null }] },
      { kind: 'ImportFrom', module: null, level: 3, names: [{ name: 'e', asname: null }] },
      { kind: 'ImportFrom', module: 'torch', level: 0, names: '*' },
    ]);
  });

  test('if / elif / else nest as If in orelse; __main__ guard', () => {
    const m = parseOk('if a:\n    x = 1\nelif b:\n    x = 2\nelse:\n    x = 3\nif __name__ == "__main__":\n    main()\n');
    assert.deepEqual(shape(m.body), [
      {
        kind: 'If', test: name('a'), body: [{ kind: 'Assign', targets: [name('x')], value: int(1) }],
        orelse: [{ kind: 'If', test: name('b'), body: [{ kind: 'Assign', targets: [name('x')], value: int(2) }], orelse: [{ kind: 'Assign', targets: [name('x')], value: int(3) }] }],
      },
      {
        kind: 'If', test: { kind: 'Compare', left: name('__name__'), ops: ['=='], comparators: [str('__main__')] },
        body: [{ kind: 'Expr', expr: call(name('main')) }], orelse: [],
      },
    ]);
  });

  test('for/else, while/else, tuple loop targets', () => {
    const m = parseOk('for k, v in d:\n    pass\nelse:\n    x = 1\nwhile a:\n    pass\nelse:\n    pass\n');
    assert.deepEqual(shape(m.body), [
      { kind: 'For', target: { kind: 'Tuple', elts: [name('k'), name('v')] }, iter: name('d'), body: [{ kind: 'Pass' }], orelse: [{ kind: 'Assign', targets: [name('x')], value: int(1) }] },
      { kind: 'While', test: name('a'), body: [{ kind: 'Pass' }], orelse: [{ kind: 'Pass' }] },
    ]);
  });

  test('try / except (tuple, as) / bare except / else / finally', () => {
    const m = parseOk('try:\n    a()\nexcept (A, B) as e:\n    pass\nexcept:\n    raise\nelse:\n    b = 1\nfinally:\n    c()\n');
    assert.deepEqual(shape(m.body), [{
      kind: 'Try',
      body: [{ kind: 'Expr', expr: call(name('a')) }],
      handlers: [
        { type: { kind: 'Tuple', elts: [name('A'), name('B')] }, name: 'e', body: [{ kind: 'Pass' }] },
        { type: null, name: null, body: [{ kind: 'Raise', exc: null }] },
      ],
      orelse: [{ kind: 'Assign', targets: [name('b')], value: int(1) }],
      finalbody: [{ kind: 'Expr', expr: call(name('c')) }],
    }]);
  });

  test('with: several items, `as` targets, parenthesized managers', () => {
    const m = parseOk('with open(p) as f, lock:\n    pass\nwith (a(), b()):\n    pass\n');
    assert.deepEqual(shape(m.body), [
      { kind: 'With', items: [{ expr: call(name('open'), pos(name('p'))), target: name('f') }, { expr: name('lock'), target: null }], body: [{ kind: 'Pass' }] },
      { kind: 'With', items: [{ expr: call(name('a')), target: null }, { expr: call(name('b')), target: null }], body: [{ kind: 'Pass' }] },
    ]);
  });

  test('def: positional-only, defaults, annotations, *args, kw-only, **kw, async, decorators', () => {
    const src = '@torch.no_grad()\n@staticmethod\nasync def f(a, b: int, /, c=1, *args: int, d, e: str = "x", **kw) -> int:\n    return a\n';
    const f = parseOk(src).body[0] as A.FunctionDef;
    assert.equal(f.kind, 'FunctionDef');
    assert.equal(f.name, 'f');
    assert.equal(f.isAsync, true);
    assert.deepEqual(shape(f.params), [
      param('a', 'posonly'), param('b', 'posonly', null, name('int')), param('c', 'normal', int(1)),
      param('args', 'varargs', null, name('int')), param('d', 'kwonly'), param('e', 'kwonly', str('x'), name('str')), param('kw', 'varkw'),
    ]);
    assert.deepEqual(shape(f.decorators), [call(attr(name('torch'), 'no_grad')), name('staticmethod')]);
    assert.deepEqual(f.nameSpan, { from: src.indexOf('f('), to: src.indexOf('f(') + 1 });
    // Python's convention: a decorated def starts at `async`/`def`, not at its decorators.
    assert.equal(src.slice(f.from, f.to), 'async def f(a, b: int, /, c=1, *args: int, d, e: str = "x", **kw) -> int:\n    return a');
  });

  test('def with a bare * makes the rest keyword-only', () => {
    const f = parseOk('def g(a, *, b, c=3):\n    pass\n').body[0] as A.FunctionDef;
    assert.deepEqual(shape(f.params), [param('a', 'normal'), param('b', 'kwonly'), param('c', 'kwonly', int(3))]);
  });

  test('class: bases, keywords, star bases, decorators, nested class, docstring', () => {
    const src = '@dataclass(frozen=True)\nclass A(B, nn.Module, metaclass=M):\n    """Doc."""\n    n: int = 0\n    class Inner:\n        pass\n    def m(self):\n        return self.n\n';
    const c = parseOk(src).body[0] as A.ClassDef;
    assert.equal(c.name, 'A');
    assert.deepEqual(shape(c.bases), [pos(name('B')), pos(attr(name('nn'), 'Module')), kw('metaclass', name('M'))]);
    assert.deepEqual(shape(c.decorators), [call(name('dataclass'), kw('frozen', { kind: 'Const', value: true }))]);
    assert.deepEqual(c.body.map((s) => s.kind), ['Expr', 'AnnAssign', 'ClassDef', 'FunctionDef']);
    assert.equal((c.body[2] as A.ClassDef).name, 'Inner');
    assert.equal(c.to, src.length - 1);
  });

  test('statement groups `a; b = 1;` become separate statements', () => {
    assert.deepEqual(shape(parseOk('a; b = 1; c\n').body), [
      { kind: 'Expr', expr: name('a') },
      { kind: 'Assign', targets: [name('b')], value: int(1) },
      { kind: 'Expr', expr: name('c') },
    ]);
  });

  test('`print = f` is an assignment; Python 2 `print x` reads as the call', () => {
    assert.deepEqual(shape(parseOk('print = log\nprint x\n').body), [
      { kind: 'Assign', targets: [name('print')], value: name('log') },
      { kind: 'Expr', expr: call(name('print'), pos(name('x'))) },
    ]);
  });

  test('yield is a Yield expression; await and match are kept as errors of kind, not of syntax', () => {
    const m = parseOk('def g():\n    yield\n    yield 1\n    x = yield\nmatch p:\n    case 1:\n        pass\n');
    const g = m.body[0] as A.FunctionDef;
    assert.deepEqual(g.body.map((s) => (s.kind === 'Expr' ? s.expr.kind : s.kind === 'Assign' ? s.value.kind : s.kind)), ['Yield', 'Yield', 'Yield']);
    assert.equal(m.body[1].kind, 'ErrorStmt');
  });
});

// ---------------------------------------------------------------- spans

describe('spans', () => {
  test('compound statements end where their last statement ends', () => {
    const src = 'def f(x):\n    if x:\n        return 1\n    # trailing comment\n\n\ny = 2\n';
    const m = parseOk(src);
    const f = m.body[0] as A.FunctionDef;
    assert.equal(src.slice(f.from, f.to), 'def f(x):\n    if x:\n        return 1');
    assert.equal(src.slice(f.body[0].from, f.body[0].to), 'if x:\n        return 1');
  });

  test('keyword arguments and tuples include their parentheses and trailing commas', () => {
    const src = 'f(k=(a + b))\nt = 1, 2,\n';
    const m = parseOk(src);
    const c = (m.body[0] as A.ExprStmt).expr as A.CallExpr;
    assert.equal(src.slice(c.args[0].from, c.args[0].to), 'k=(a + b)');
    const t = (m.body[1] as A.AssignStmt).value;
    assert.equal(src.slice(t.from, t.to), '1, 2,');
  });

  test('in every fixture, names, attributes and numbers span exactly their text', () => {
    for (const f of fixtureNames) {
      const src = fixture(f);
      for (const n of nodes(parseOk(src).body)) {
        const text = src.slice(n.from as number, n.to as number);
        if (n.kind === 'Name') assert.equal(text, n.id, `${f}: Name`);
        if (n.kind === 'Attribute') {
          const span = n.attrSpan as A.Span;
          assert.equal(src.slice(span.from, span.to), n.attr, `${f}: attribute name`);
          assert.ok(text.endsWith(n.attr as string), `${f}: attribute span`);
        }
        if (n.kind === 'Number') assert.equal(Number(text.replace(/_/g, '')), n.value, `${f}: Number ${text}`);
        if (n.kind === 'FunctionDef' || n.kind === 'ClassDef') {
          const span = n.nameSpan as A.Span;
          assert.equal(src.slice(span.from, span.to), n.name, `${f}: def name`);
        }
      }
    }
  });
});

// ---------------------------------------------------------------- fixtures

describe('fixture models', () => {
  const top = (m: A.PyModule) => m.body.map((s) => (s.kind === 'FunctionDef' || s.kind === 'ClassDef' ? `${s.kind}:${s.name}` : s.kind));
  const methods = (c: A.Stmt) => (c as A.ClassDef).body.filter((s): s is A.FunctionDef => s.kind === 'FunctionDef').map((s) => s.name);

  test('all five parse without errors', () => {
    assert.deepEqual(fixtureNames, ['dcgan.py', 'fcn.py', 'resnet.py', 'unet.py', 'vae_decoder.py']);
    for (const f of fixtureNames) assert.deepEqual(parsePython(fixture(f)).errors, [], f);
  });

  test('resnet.py: helpers, three classes with their methods, factory functions', () => {
    const m = parseOk(fixture('resnet.py'));
    assert.deepEqual(top(m), [
      'Import', 'Import', 'FunctionDef:conv3x3', 'FunctionDef:conv1x1',
      'ClassDef:BasicBlock', 'ClassDef:Bottleneck', 'ClassDef:ResNet',
      'FunctionDef:resnet18', 'FunctionDef:resnet34', 'FunctionDef:resnet50', 'FunctionDef:resnet101',
      'FunctionDef:resnet152', 'FunctionDef:resnext50_32x4d', 'FunctionDef:wide_resnet50_2',
    ]);
    const [basic, bottleneck, resnet] = m.body.slice(4, 7) as A.ClassDef[];
    assert.deepEqual(shape(basic.bases), [pos(attr(name('nn'), 'Module'))]);
    assert.deepEqual(shape(basic.body[0]), { kind: 'Assign', targets: [name('expansion')], value: int(1) });
    assert.deepEqual(shape(bottleneck.body[0]), { kind: 'Assign', targets: [name('expansion')], value: int(4) });
    assert.deepEqual(methods(basic), ['__init__', 'forward']);
    assert.ok(methods(resnet).includes('_make_layer'));
    const conv3x3 = m.body[2] as A.FunctionDef;
    assert.deepEqual(shape(conv3x3.params), [
      param('cin', 'normal'), param('cout', 'normal'), param('stride', 'normal', int(1)), param('groups', 'normal', int(1)), param('dilation', 'normal', int(1)),
    ]);
  });

  test('the other fixtures: classes and functions in order', () => {
    assert.deepEqual(top(parseOk(fixture('dcgan.py'))), ['Import', 'Assign', 'ClassDef:Generator', 'ClassDef:Discriminator']);
    assert.deepEqual(top(parseOk(fixture('fcn.py'))), ['Import', 'Import', 'FunctionDef:vgg_stage', 'ClassDef:FCN32s', 'ClassDef:FCN8s']);
    assert.deepEqual(top(parseOk(fixture('unet.py'))), ['Import', 'Import', 'Import', 'ClassDef:DoubleConv', 'ClassDef:Down', 'ClassDef:Up', 'ClassDef:UNet']);
    assert.deepEqual(top(parseOk(fixture('vae_decoder.py'))), ['Import', 'ImportFrom', 'ClassDef:Decoder', 'ClassDef:ResizeConvDecoder']);
  });
});

// ---------------------------------------------------------------- half-typed code

describe('half-typed code', () => {
  const classSrc = [
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.a = nn.ReLU()',
    '        self.extra = nn.Conv2d(3, 64, kernel_size=',
    '        self.b = 2',
    '',
    '    def forward(self, x):',
    '        return self.a(x)',
    '',
  ].join('\n');

  test('an unclosed call keeps the arguments it has; the rest of the class survives', () => {
    const m = parsePython(classSrc);
    const cls = m.body[0] as A.ClassDef;
    assert.equal(m.body.length, 1);
    assert.deepEqual(cls.body.map((s) => (s as A.FunctionDef).name), ['__init__', 'forward']);
    const init = cls.body[0] as A.FunctionDef;
    assert.equal(init.body.length, 4);
    assert.deepEqual(shape(init.body[1]), { kind: 'Assign', targets: [attr(name('self'), 'a')], value: call(attr(name('nn'), 'ReLU')) });
    const broken = init.body[2] as A.AssignStmt;
    assert.equal(broken.kind, 'Assign');
    assert.deepEqual(shape(broken.targets), [attr(name('self'), 'extra')]);
    const value = broken.value as A.CallExpr;
    assert.deepEqual(shape(value.func), attr(name('nn'), 'Conv2d'));
    assert.deepEqual(shape(value.args.slice(0, 2)), [pos(int(3)), pos(int(64))]);
    assert.equal(value.args[2].kind, 'kw');
    assert.equal(value.args[2].name, 'kernel_size');
    assert.equal(value.args[2].value.kind, 'ErrorExpr');
    assert.deepEqual(shape(init.body[3]), { kind: 'Assign', targets: [attr(name('self'), 'b')], value: int(2) });
    assert.deepEqual(shape((cls.body[1] as A.FunctionDef).body), [{ kind: 'Return', value: call(attr(name('self'), 'a'), pos(name('x'))) }]);
  });

  test('the problems are reported where they are, readably', () => {
    const m = parsePython(classSrc);
    const open = classSrc.indexOf('Conv2d(') + 6;
    const eq = classSrc.indexOf('kernel_size=') + 12;
    assert.deepEqual(m.errors.map((e) => [e.from, e.to]), [[open, open + 1], [eq, eq]]);
    assert.match(m.errors[0].message, /'\(' was never closed/);
    assert.match(m.errors[1].message, /kernel_size/);
    // Spans of everything after the repair still point at the user's text.
    const b = ((m.body[0] as A.ClassDef).body[0] as A.FunctionDef).body[3];
    assert.equal(classSrc.slice(b.from, b.to), 'self.b = 2');
  });

  test('an unclosed nn.Sequential( keeps its complete layers and the next method', () => {
    const src = 'class N:\n    def __init__(self):\n        self.s = nn.Sequential(\n            nn.Conv2d(1, 2, 3),\n            nn.ReLU(),\n\n    def forward(self, x):\n        return x\n';
    const m = parsePython(src);
    const cls = m.body[0] as A.ClassDef;
    assert.deepEqual(cls.body.map((s) => (s as A.FunctionDef).name), ['__init__', 'forward']);
    const seq = ((cls.body[0] as A.FunctionDef).body[0] as A.AssignStmt).value as A.CallExpr;
    assert.deepEqual(shape(seq.args), [pos(call(attr(name('nn'), 'Conv2d'), pos(int(1)), pos(int(2)), pos(int(3)))), pos(call(attr(name('nn'), 'ReLU')))]);
    assert.equal(m.errors.length, 1);
  });

  test('a signature being typed (`def __init__(self, in_ch,`) keeps the body below it', () => {
    const src = 'class N(nn.Module):\n    def __init__(self, in_ch,\n        super().__init__()\n        self.conv = nn.Conv2d(in_ch, 8, 3)\n    def forward(self, x):\n        return self.conv(x)\n';
    const m = parsePython(src);
    const cls = m.body[0] as A.ClassDef;
    assert.equal(m.body.length, 1);
    const init = cls.body[0] as A.FunctionDef;
    assert.deepEqual(shape(init.params), [param('self', 'normal'), param('in_ch', 'normal')]);
    assert.deepEqual(init.body.map((s) => s.kind), ['Expr', 'Assign']);
    assert.equal((cls.body[1] as A.FunctionDef).name, 'forward');
    assert.deepEqual(m.errors.map((e) => e.message), ["syntax error: '(' was never closed", "syntax error: expected ':' at the end of this line"]);
  });

  test('an open bracket in a loop header ends where the loop body starts', () => {
    const m = parsePython('def f(x):\n    for i in range(\n        x = x + i\n    return x\n');
    const f = m.body[0] as A.FunctionDef;
    assert.deepEqual(shape(f.body), [
      { kind: 'For', target: name('i'), iter: call(name('range')), body: [{ kind: 'Assign', targets: [name('x')], value: binop('+', name('x'), name('i')) }], orelse: [] },
      { kind: 'Return', value: name('x') },
    ]);
  });

  test('a missing ":" after a header keeps the body under it', () => {
    const m = parsePython('class A:\n    def f(self)\n        x = 1\n    def g(self):\n        if x\n            y = 2\n');
    const cls = m.body[0] as A.ClassDef;
    assert.deepEqual(cls.body.map((s) => (s as A.FunctionDef).name), ['f', 'g']);
    assert.deepEqual(shape((cls.body[0] as A.FunctionDef).body), [{ kind: 'Assign', targets: [name('x')], value: int(1) }]);
    assert.deepEqual(shape((cls.body[1] as A.FunctionDef).body), [{ kind: 'If', test: name('x'), body: [{ kind: 'Assign', targets: [name('y')], value: int(2) }], orelse: [] }]);
    assert.equal(m.errors.length, 2);
    assert.ok(m.errors.every((e) => /expected ':'/.test(e.message)));
  });

  test('a dangling `self.`, a trailing operator and an empty `=` become ErrorExpr, siblings stay', () => {
    const m = parsePython('def f(self, x):\n    self.\n    y = x +\n    z =\n    return y\n');
    const f = m.body[0] as A.FunctionDef;
    assert.deepEqual(f.body.map((s) => s.kind), ['Expr', 'Assign', 'Assign', 'Return']);
    assert.equal((f.body[0] as A.ExprStmt).expr.kind, 'ErrorExpr');
    const y = (f.body[1] as A.AssignStmt).value as A.BinOpExpr;
    assert.deepEqual([y.kind, y.left.kind, y.right.kind], ['BinOp', 'Name', 'ErrorExpr']);
    assert.equal((f.body[2] as A.AssignStmt).value.kind, 'ErrorExpr');
    assert.equal(m.errors.length, 3);
  });

  test('an unterminated string is reported and the next line is kept', () => {
    const m = parsePython('x = "abc\ny = 2\n');
    assert.deepEqual(shape(m.body), [{ kind: 'Assign', targets: [name('x')], value: str('abc') }, { kind: 'Assign', targets: [name('y')], value: int(2) }]);
    assert.match(m.errors[0].message, /unterminated string/);
  });

  test('a stray token is an ErrorStmt for that line only', () => {
    const m = parsePython('a = 1\n) b\nc = 3\n');
    const kinds = m.body.map((s) => s.kind);
    assert.equal(kinds[0], 'Assign');
    assert.equal(kinds[kinds.length - 1], 'Assign');
    assert.ok(m.errors.length >= 1);
    assert.ok(m.errors.every((e) => e.from >= 6 && e.to <= 10), JSON.stringify(m.errors));
  });

  test('after several repairs (floats, brackets, colon) every name and number still spans its own text', () => {
    const src = [
      'x = 1. if a else 2.',
      'class A:',
      '    def f(self):',
      '        self.c = nn.Conv2d(3, (4',
      '        self.d = [1, 2',
      '    def g(self)',
      '        return self.c(x) or not y',
      'z = 3. or w',
      '',
    ].join('\n');
    const m = parsePython(src);
    const cls = m.body[1] as A.ClassDef;
    assert.deepEqual(m.body.map((s) => s.kind), ['Assign', 'ClassDef', 'Assign']);
    assert.deepEqual(cls.body.map((s) => (s as A.FunctionDef).name), ['f', 'g']);
    assert.equal((cls.body[0] as A.FunctionDef).body.length, 2);
    let names = 0;
    for (const n of nodes(m.body)) {
      const text = src.slice(n.from as number, n.to as number);
      if (n.kind === 'Name') {
        assert.equal(text, n.id);
        names++;
      }
      if (n.kind === 'Number') assert.equal(Number(text), n.value, text);
    }
    assert.equal(names, 10);
    const at = (needle: string) => src.indexOf(needle);
    assert.deepEqual(m.errors.map((e) => [e.from, e.to]), [
      [at('(3'), at('(3') + 1], [at('(4'), at('(4') + 1], [at('[1'), at('[1') + 1], [at('(self)\n') + 6, at('(self)\n') + 6],
    ]);
    assert.deepEqual(m.errors.map((e) => e.message), [
      "syntax error: '(' was never closed", "syntax error: '(' was never closed", "syntax error: '[' was never closed",
      "syntax error: expected ':' at the end of this line",
    ]);
  });

  test('empty and blank input', () => {
    assert.deepEqual(parsePython(''), { kind: 'Module', body: [], errors: [] });
    assert.deepEqual(parsePython('\n\n   \n# only a comment\n'), { kind: 'Module', body: [], errors: [] });
  });
});

// ---------------------------------------------------------------- never throws

describe('robustness', () => {
  /** Deterministic xorshift, so a failure reproduces. */
  function rng(seed: number): () => number {
    let s = seed >>> 0 || 1;
    return () => {
      s ^= s << 13;
      s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      return s / 0x100000000;
    };
  }

  const PIECES = ['(', ')', '[', ']', '{', '}', ':', ',', '=', '.', '\n', '    ', '"', "'", '"""', 'f"{', '\\', '#', 'def ', 'class ',
    'if ', 'else', 'lambda', '*', '**', '@', '1.', 'not ', ' and ', 'yield', 'for x in ', '\t', '\r\n', '/', '->', ':=', 'é', '😀'];

  test('500 truncations and mutations of the fixtures: no throw, spans inside the text, no internal errors', () => {
    const sources = fixtureNames.map(fixture);
    const next = rng(20240611);
    const int = (n: number) => Math.floor(next() * n);
    for (let i = 0; i < 500; i++) {
      let src = sources[i % sources.length];
      const op = i % 4;
      for (let k = 0, n = 1 + int(3); k < n; k++) {
        const at = int(src.length + 1);
        if (op === 0) src = src.slice(0, at);
        else if (op === 1) src = src.slice(0, at) + src.slice(at + 1 + int(20));
        else if (op === 2) src = src.slice(0, at) + PIECES[int(PIECES.length)] + src.slice(at);
        else {
          const a = int(src.length);
          const b = int(src.length);
          src = src.slice(0, at) + src.slice(Math.min(a, b), Math.max(a, b)) + src.slice(at);
        }
      }
      const m = parsePython(src);
      for (const e of m.errors) {
        assert.doesNotMatch(e.message, /internal/, `case ${i}: ${e.message}`);
        assert.ok(e.from >= 0 && e.from <= e.to && e.to <= src.length, `case ${i}: error span`);
      }
      for (const n of nodes(m.body)) {
        if (typeof n.from === 'number') {
          assert.ok(n.from >= 0 && n.from <= (n.to as number) && (n.to as number) <= src.length, `case ${i}: span of ${String(n.kind)}`);
        }
      }
    }
  });
});

// ---------------------------------------------------------------- LineIndex

describe('LineIndex', () => {
  test('\\n, \\r\\n and lone \\r all end lines', () => {
    const text = 'ab\ncd\r\nef\rg';
    const idx = new LineIndex(text);
    assert.equal(idx.lineCount, 4);
    assert.deepEqual([0, 2, 3, 5, 7, 9, 10, 11].map((o) => idx.position(o)), [
      { line: 0, character: 0 }, { line: 0, character: 2 }, { line: 1, character: 0 }, { line: 1, character: 2 },
      { line: 2, character: 0 }, { line: 2, character: 2 }, { line: 3, character: 0 }, { line: 3, character: 1 },
    ]);
    assert.deepEqual([[0, 1], [1, 0], [1, 2], [2, 1], [3, 0]].map(([l, c]) => idx.offset(l, c)), [1, 3, 5, 8, 10]);
  });

  test('files with \\n alone (indexed by a native scan) give the lines a split gives', () => {
    for (const text of ['', '\n', '\n\n', 'a', 'a\n', '\na', 'ab\n\ncd\n', fixture('unet.py')]) {
      const idx = new LineIndex(text);
      const lines = text.split('\n');
      assert.equal(idx.lineCount, lines.length, JSON.stringify(text.slice(0, 20)));
      let start = 0;
      lines.forEach((line, n) => {
        assert.equal(idx.offset(n, 0), start);
        assert.equal(idx.offset(n, 1e9), start + line.length);
        assert.deepEqual(idx.position(start + line.length), { line: n, character: line.length });
        start += line.length + 1;
      });
    }
  });

  test('characters are UTF-16 code units (an emoji counts two)', () => {
    const text = 'x = "😀"\ny';
    const idx = new LineIndex(text);
    assert.deepEqual(idx.position(text.indexOf('"', 5)), { line: 0, character: 7 });
    assert.deepEqual(idx.position(text.length), { line: 1, character: 1 });
  });

  test('round trip for every offset; out-of-range input clamps', () => {
    const text = fixture('unet.py').replace(/\n/g, (m, i: number) => (i % 3 === 0 ? '\r\n' : m));
    const idx = new LineIndex(text);
    for (let o = 0; o <= text.length; o++) {
      if (text[o - 1] === '\r' && text[o] === '\n') continue; // inside a \r\n pair
      const p = idx.position(o);
      assert.equal(idx.offset(p.line, p.character), o);
    }
    assert.deepEqual(idx.position(-5), { line: 0, character: 0 });
    assert.equal(idx.offset(0, 1e9), text.search(/\r?\n/));
    assert.equal(idx.offset(1e9, 0), text.length);
    assert.equal(idx.offset(-1, 3), 0);
  });
});
