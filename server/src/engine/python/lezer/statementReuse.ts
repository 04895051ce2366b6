// Reuse of converted top-level statements between two readings of a file (the editor's keystroke
// path). Converting lezer's tree into the typed AST costs more than lezer's incremental parse
// itself, and a keystroke changes one statement of hundreds.
//
// Why a reuse is exact: the converter reads a top-level statement from its lezer subtree (node
// types and positions) and the source text inside the node's range, and nothing else once the
// statement converted without any problem (errors, unclosed brackets, missing colons and misread
// floats are the only state shared between statements). So a statement whose text is identical
// and whose subtree has identical node types at identical relative positions converts to the same
// AST, moved by the difference of the two start offsets. Both are checked here, on every reuse
// (the subtree at once when lezer reused the very node: see nodeOf).

import { TreeBuffer, type Tree, type TreeCursor } from '@lezer/common';
import type * as A from '../ast';

export interface Converted {
  from: number;
  /** Pre-order node type ids and positions relative to `from`: (type, from, to) per node. */
  shape: Int32Array;
  stmt: A.Stmt;
  /** Where lezer keeps the statement's node (see nodeOf): the same place in a later reading is
   *  the same shape, found without walking it. */
  node: NodeIdentity;
}

/**
 * lezer's storage of a node: its Tree object, or the TreeBuffer holding it and its index there.
 * An incremental parse reuses unchanged subtrees and buffers by reference; both are immutable, and
 * positions inside them are relative to them, so one identity is one shape. A buffer node's place
 * is not public API: it is read from the cursor's own fields, and only believed when it is a
 * TreeBuffer and a number (another lezer version may name them otherwise: then the walk decides).
 */
export interface NodeIdentity {
  tree: Tree | null;
  buffer: TreeBuffer | null;
  index: number;
}

export function nodeOf(cursor: TreeCursor): NodeIdentity {
  const tree = cursor.tree;
  if (tree) return { tree, buffer: null, index: -1 };
  // Fields of TreeCursor that its type declarations leave out (@internal).
  const internal = cursor as unknown as { buffer?: { buffer?: unknown } | null; index?: unknown };
  const buffer = internal.buffer?.buffer;
  const index = internal.index;
  return buffer instanceof TreeBuffer && typeof index === 'number' ? { tree: null, buffer, index } : { tree: null, buffer: null, index: -1 };
}

function sameNode(a: NodeIdentity, b: NodeIdentity): boolean {
  if (a.tree !== null) return a.tree === b.tree;
  return a.buffer !== null && a.buffer === b.buffer && a.index === b.index;
}

/**
 * The top-level statements of one reading, by their text. Entries and their ASTs are never
 * mutated once recorded: the next reading shares them, or copies them when they moved.
 */
export class StatementTable {
  private readonly byText = new Map<string, Converted[]>();

  get size(): number {
    return this.byText.size;
  }

  record(text: string, from: number, shape: Int32Array, stmt: A.Stmt, node: NodeIdentity): void {
    const list = this.byText.get(text);
    const entry = { from, shape, stmt, node };
    if (list) list.push(entry);
    else this.byText.set(text, [entry]);
  }

  /** Entries of this text, the one at `from` first (it is taken as is, without copying). */
  candidates(text: string, from: number): Converted[] | undefined {
    const list = this.byText.get(text);
    if (!list || list.length < 2) return list;
    return [...list].sort((a, b) => Number(b.from === from) - Number(a.from === from));
  }
}

/** The subtree under the cursor's node as (type, from, to) triples relative to its start. The
 *  cursor is left on that node. */
export function shapeOf(cursor: TreeCursor): Int32Array {
  const base = cursor.from;
  const out: number[] = [];
  walk(cursor, (type, from, to) => {
    out.push(type, from - base, to - base);
    return true;
  });
  return Int32Array.from(out);
}

/** Whether the subtree under the cursor's node (stored as `node`) has the shape recorded (see
 *  shapeOf): at once when lezer reused the very node recorded. */
export function sameShape(cursor: TreeCursor, node: NodeIdentity, entry: Converted): boolean {
  return sameNode(node, entry.node) || hasShape(cursor, entry.shape);
}

/** Whether the subtree under the cursor's node has exactly this shape (see shapeOf). */
export function hasShape(cursor: TreeCursor, shape: Int32Array): boolean {
  const base = cursor.from;
  let i = 0;
  const same = walk(cursor, (type, from, to) => {
    if (i + 3 > shape.length || shape[i] !== type || shape[i + 1] !== from - base || shape[i + 2] !== to - base) return false;
    i += 3;
    return true;
  });
  return same && i === shape.length;
}

/** Pre-order walk of the node under the cursor and its descendants; stops when `visit` says no.
 *  The cursor ends where it started. */
function walk(cursor: TreeCursor, visit: (type: number, from: number, to: number) => boolean): boolean {
  let depth = 0;
  for (;;) {
    if (!visit(cursor.type.id, cursor.from, cursor.to)) {
      while (depth-- > 0) cursor.parent();
      return false;
    }
    if (cursor.firstChild()) {
      depth++;
      continue;
    }
    for (;;) {
      if (depth === 0) return true;
      if (cursor.nextSibling()) break;
      cursor.parent();
      depth--;
    }
  }
}

/**
 * A copy of an AST (plain objects and arrays) with every `from`/`to` mapped; the original is left
 * as it is (other readings may share it). Keys starting with `$` are the interpreter's caches on
 * nodes (`$site`), which belong to the file they were made for: the copy leaves them out.
 */
export function mapSpansCopy<T>(root: T, map: (offset: number) => number): T {
  const copies = new Map<object, unknown>();
  const copy = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const done = copies.get(value);
    if (done !== undefined) return done;
    if (Array.isArray(value)) {
      const out: unknown[] = new Array<unknown>(value.length);
      copies.set(value, out);
      for (let i = 0; i < value.length; i++) out[i] = copy(value[i]);
      return out;
    }
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    copies.set(value, out);
    for (const key in record) {
      if (key.charCodeAt(0) === 36 /* $ */) continue;
      const v = record[key];
      out[key] = (key === 'from' || key === 'to') && typeof v === 'number' ? map(v) : copy(v);
    }
    return out;
  };
  return copy(root) as T;
}

/** A statement moved by `delta` characters. */
export function shifted(stmt: A.Stmt, delta: number): A.Stmt {
  return delta === 0 ? stmt : mapSpansCopy(stmt, (offset) => offset + delta);
}
