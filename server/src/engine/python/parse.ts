// Python source -> typed AST (ast.ts), via @lezer/python. Never throws: syntax problems end up
// in `errors`, as ErrorExpr/ErrorStmt nodes where code was lost, and the rest is kept.

import { parser } from '@lezer/python';
import { TreeFragment, type Tree } from '@lezer/common';
import type { ParseError, PyModule } from './ast';
import { convertTree, type Conversion } from './lezer/convert';
import { applyInsertions, offsetMapper, planInsertions, type Insertion } from './lezer/repair';
import { mapSpansCopy, StatementTable } from './lezer/statementReuse';

interface Reading {
  text: string;
  tree: Tree;
  conversion: Conversion;
  /** Maps offsets in `text` back to the original source. */
  toSource: (offset: number) => number;
  /** Problems found in earlier readings and repaired since, in source offsets. */
  carried: ParseError[];
}

/** The first reading's statements: a repaired reading takes the unchanged ones from them. */
type Reuse = { statements: StatementTable | null };

/** A previous parse of (another version of) the same file: lezer reuses what did not change. */
export interface PreviousParse {
  text: string;
  tree: Tree;
  /** Its converted top-level statements; the unchanged ones are taken instead of converted. */
  statements?: StatementTable;
}

export function parsePython(source: string): PyModule {
  return parsePythonIncremental(source, null).module;
}

/**
 * As parsePython, reusing the unchanged parts of a previous parse of the file (the editor's
 * keystroke path): the changed range is found by comparing the texts.
 */
export function parsePythonIncremental(source: string, previous: PreviousParse | null): { module: PyModule; tree: Tree | null; statements: StatementTable | null } {
  try {
    const tree = parser.parse(source, previous ? fragmentsFor(previous, source) : undefined);
    // Only a file read again (being edited) keeps its statements for the next reading: a library
    // file read once would hold them for nothing.
    const statements = previous ? new StatementTable() : null;
    return { module: readTree(source, tree, previous?.statements ?? null, statements), tree, statements };
  } catch (err) {
    // Only a bug in the converter gets here; say so rather than crash the caller.
    const message = `internal parser error: ${err instanceof Error ? err.message : String(err)}`;
    return { module: module([], [{ from: 0, to: Math.min(source.length, 1), message }]), tree: null, statements: null };
  }
}

/** Characters compared at once while looking for the changed range: whole blocks compare as
 *  strings (natively), about fifteen times faster than character by character on a 2k-line file. */
const COMPARE_BLOCK = 512;

/** The edit between two texts: the length of their common prefix, and of their common suffix in
 *  what follows it (the two never overlap, as a text's characters count once). */
export function changedRange(a: string, b: string): { prefix: number; suffix: number } {
  const limit = Math.min(a.length, b.length);
  let prefix = 0;
  while (prefix + COMPARE_BLOCK <= limit && a.substring(prefix, prefix + COMPARE_BLOCK) === b.substring(prefix, prefix + COMPARE_BLOCK)) prefix += COMPARE_BLOCK;
  while (prefix < limit && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix + COMPARE_BLOCK <= limit - prefix &&
    a.substring(a.length - suffix - COMPARE_BLOCK, a.length - suffix) === b.substring(b.length - suffix - COMPARE_BLOCK, b.length - suffix)) suffix += COMPARE_BLOCK;
  while (suffix < limit - prefix && a.charCodeAt(a.length - 1 - suffix) === b.charCodeAt(b.length - 1 - suffix)) suffix++;
  return { prefix, suffix };
}

function fragmentsFor(previous: PreviousParse, source: string): readonly TreeFragment[] {
  const a = previous.text;
  const { prefix, suffix } = changedRange(a, source);
  return TreeFragment.applyChanges(TreeFragment.addTree(previous.tree), [
    { fromA: prefix, toA: a.length - suffix, fromB: prefix, toB: source.length - suffix },
  ]);
}

function readTree(source: string, tree: Tree, previous: StatementTable | null, statements: StatementTable | null): PyModule {
  let reading: Reading = { text: source, tree, conversion: convertTree(source, tree, { from: previous, into: statements }), toSource: (o) => o, carried: [] };
  const reuse: Reuse = { statements };
  // Where the grammar misreads a float like `1.`, the rest of the reading is unreliable, so
  // that is repaired alone first; half-typed code (open brackets, missing ':') after.
  if (reading.conversion.floatDots.length > 0) reading = repair(reading, 'floats', reuse);
  // Closing one bracket can reveal the next problem (a header whose ':' it had swallowed).
  for (let round = 0; round < 3; round++) {
    if (reading.conversion.unclosed.length === 0 && reading.conversion.missingColons.length === 0) break;
    const repaired = repair(reading, 'structure', reuse);
    if (repaired === reading) break;
    reading = repaired;
  }

  const { toSource, carried } = reading;
  let conversion = reading.conversion;
  if (reading.text !== source) {
    conversion = { ...conversion, body: backToSource(conversion.body, toSource), errors: mapSpansCopy(conversion.errors, toSource) };
  }
  const neverClosed = conversion.unclosed.map((u) => ({
    from: toSource(u.open),
    to: toSource(u.open) + 1,
    message: `syntax error: '${reading.text[u.open]}' was never closed`,
  }));
  return module(conversion.body, mergeErrors([...conversion.errors, ...neverClosed, ...carried]));
}

/**
 * Inserts what the reading says is missing (see lezer/repair.ts) and reads again. Keeps the
 * new reading only if it has fewer problems: a repair that does not help was a wrong guess.
 */
function repair(before: Reading, what: 'floats' | 'structure', reuse: Reuse): Reading {
  const found = before.conversion;
  const insertions: Insertion[] = what === 'floats'
    ? planInsertions(before.text, before.tree, { unclosed: [], missingColons: [], floatDots: found.floatDots })
    // Brackets first: where a ':' is missing can only be told once they close where they should.
    : found.unclosed.length > 0
      ? planInsertions(before.text, before.tree, { unclosed: found.unclosed, missingColons: [], floatDots: [] })
      : planInsertions(before.text, before.tree, { unclosed: [], missingColons: found.missingColons, floatDots: [] });
  if (insertions.length === 0) return before;
  const text = applyInsertions(before.text, insertions);
  // The repaired text is the reading's text with a few insertions: lezer re-reads only around them.
  let shift = 0;
  const changes = insertions.map((ins) => {
    const change = { fromA: ins.pos, toA: ins.pos, fromB: ins.pos + shift, toB: ins.pos + shift + ins.text.length };
    shift += ins.text.length;
    return change;
  });
  // Floats are repaired in a reading that is wrong from the misread `1.` on: lezer must read the
  // repaired text afresh (reusing that reading's fragments nested later classes into earlier ones
  // in a file without a final newline — timm's swiftformer.py).
  const tree = what === 'floats' ? parser.parse(text) : parser.parse(text, TreeFragment.applyChanges(TreeFragment.addTree(before.tree), changes));
  // Statements the insertions did not touch are the first reading's (moved where they moved).
  const conversion = convertTree(text, tree, { from: reuse.statements, into: null });
  const problems = (c: Conversion): number => c.errors.length + c.unclosed.length;
  if (problems(conversion) > 0 && problems(conversion) >= problems(found)) return before;

  const toBefore = offsetMapper(insertions);
  const toSource = (offset: number): number => before.toSource(toBefore(offset));
  const carried = [...before.carried];
  if (what === 'structure') {
    // The repaired problems are still problems; report them where the user made them.
    for (const ins of insertions) {
      for (const open of ins.closes) {
        const at = before.toSource(open);
        carried.push({ from: at, to: at + 1, message: `syntax error: '${before.text[open]}' was never closed` });
      }
      if (ins.colon) {
        const at = before.toSource(ins.pos);
        carried.push({ from: at, to: at, message: "syntax error: expected ':' at the end of this line" });
      }
    }
  }
  return { text, tree, conversion, toSource, carried };
}

/**
 * A repaired reading's statements at their offsets in the source. Copies, never edits: the
 * statements before the first insertion are shared with other readings (and do not move).
 */
function backToSource(body: PyModule['body'], toSource: (offset: number) => number): PyModule['body'] {
  // A statement's offsets all lie before the next statement's start (not always before its own
  // end: in half-typed code a child can reach past it). toSource subtracts what was inserted before
  // an offset, so when that start maps to itself, nothing was inserted before any of them.
  return body.map((stmt, i) => {
    const bound = body[i + 1]?.from;
    return bound !== undefined && toSource(bound) === bound ? stmt : mapSpansCopy(stmt, toSource);
  });
}

function module(body: PyModule['body'], errors: ParseError[]): PyModule {
  return { kind: 'Module', body, errors };
}

function mergeErrors(errors: ParseError[]): ParseError[] {
  const all = errors.sort((x, y) => x.from - y.from || x.to - y.to);
  return all.filter((e, i) => i === 0 || e.from !== all[i - 1].from || e.to !== all[i - 1].to || e.message !== all[i - 1].message);
}
