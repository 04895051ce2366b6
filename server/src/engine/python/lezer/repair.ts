// Half-typed code often leaves a bracket open (`self.conv = nn.Conv2d(3, 64, kernel_size=`).
// Python's grammar then lets the bracket swallow the following lines, so a parser reads the
// next statement as more arguments. Editors see this constantly, so we close such brackets
// where the indentation says the statement ended, and parse once more.

import type { Tree } from '@lezer/common';
import type { Conversion } from './convert';

export interface Insertion {
  /** Offset in the original text. */
  pos: number;
  text: string;
  /** Whether a missing ':' is among the inserted text (its error is reported at `pos`). */
  colon: boolean;
  /** Offsets of the brackets this insertion closes. */
  closes: number[];
}

function indentOf(src: string, lineStart: number): number {
  let depth = 0;
  for (let i = lineStart; i < src.length; i++) {
    const ch = src.charCodeAt(i);
    if (ch === 32) depth++;
    else if (ch === 9) depth += 8 - (depth % 8);
    else break;
  }
  return depth;
}

function lineStartOf(src: string, pos: number): number {
  let i = pos;
  while (i > 0 && src.charCodeAt(i - 1) !== 10 && src.charCodeAt(i - 1) !== 13) i--;
  return i;
}

/** A line opening a compound statement (`def f(`, `for x in range(`, ...). */
const COMPOUND_HEADER = /^\s*(async\s+)?(def|class|if|elif|while|for|with)\b/;
/**
 * The start of a line that reads as a statement rather than as more of a bracket's contents:
 * a statement keyword, `self.`/`super(`, or `name = ` (PEP 8 writes keyword arguments and
 * defaults without spaces around `=`).
 */
const STATEMENT_START = /^(?:(?:return|pass|raise|if|for|while|with|def|class|try|assert|del|import|from|yield)\b|super\(|self\.\w|[A-Za-z_][\w.]*\s+=\s)/;

const LINE_BREAKS = /\r\n?|\n/g;
const isSpace = (ch: number): boolean => ch === 32 || ch === 9 || ch === 10 || ch === 13 || ch === 12;
const isCloser = (ch: number): boolean => ch === 41 || ch === 93 || ch === 125;

function nodeNameAt(tree: Tree, pos: number, side: -1 | 1): { name: string; from: number } {
  const node = tree.resolveInner(pos, side);
  return { name: node.type.name, from: node.from };
}

/** Moves `pos` back over blank space and comments, not before `min`. */
function backOverTrivia(src: string, tree: Tree, pos: number, min: number): number {
  for (;;) {
    while (pos > min && isSpace(src.charCodeAt(pos - 1))) pos--;
    const before = nodeNameAt(tree, pos, -1);
    if (before.name === 'Comment' && before.from >= min && before.from < pos) pos = before.from;
    else return pos;
  }
}

/**
 * Where to insert the closer of each unclosed bracket: before the first later line that is
 * indented no deeper than the line the bracket opened on (a new statement) or, for a bracket
 * in a compound statement's header, that reads as a statement (its body), or else at the end
 * of what the bracket's node covered; moved back over blank space and comments. Missing ':'
 * of compound statement headers go where the header's text ends; floats written `1.` get a 0.
 */
export function planInsertions(src: string, tree: Tree, found: Pick<Conversion, 'unclosed' | 'missingColons' | 'floatDots'>): Insertion[] {
  const { unclosed, missingColons, floatDots } = found;
  const planned: { pos: number; open: number; text: string }[] = [];
  for (const u of unclosed) {
    const openLine = lineStartOf(src, u.open);
    const baseIndent = indentOf(src, openLine);
    const header = COMPOUND_HEADER.test(src.slice(openLine, u.open));
    let limit = Math.min(u.nodeTo, src.length);
    let i = u.open;
    while (i < limit) {
      // The next line break of any kind (\n, \r\n or a lone \r); nl is its last character.
      LINE_BREAKS.lastIndex = i;
      const found = LINE_BREAKS.exec(src);
      if (!found) break;
      const nl = found.index + found[0].length - 1;
      if (nl + 1 >= limit) break;
      const lineStart = nl + 1;
      i = lineStart;
      let first = lineStart;
      while (first < src.length && (src.charCodeAt(first) === 32 || src.charCodeAt(first) === 9)) first++;
      const ch = src.charCodeAt(first);
      if (first >= src.length || ch === 10 || ch === 13 || ch === 35 /* # */ || isCloser(ch)) continue;
      // A header's body is indented deeper than the header, so there a statement-like line ends it too.
      if (indentOf(src, lineStart) > baseIndent && !(header && STATEMENT_START.test(src.slice(first, first + 80)))) continue;
      const at = nodeNameAt(tree, first, 1).name;
      if (at === 'String' || at === 'FormatString') continue;
      limit = lineStart;
      break;
    }
    planned.push({ pos: backOverTrivia(src, tree, limit, u.open + 1), open: u.open, text: u.closer });
  }
  for (const at of missingColons) {
    const pos = backOverTrivia(src, tree, Math.min(at, src.length), 0);
    // Colons come after any closers at the same place: `def f(x` needs `):`.
    planned.push({ pos, open: -1, text: ':' });
  }
  for (const at of floatDots) planned.push({ pos: at, open: -1, text: '0' });
  // The innermost bracket (opened last) closes first at a shared position.
  planned.sort((a, b) => a.pos - b.pos || b.open - a.open);
  const out: Insertion[] = [];
  for (const p of planned) {
    const last = out[out.length - 1];
    const colon = p.text === ':';
    const closes = p.open >= 0 ? [p.open] : [];
    if (last && last.pos === p.pos) {
      if (!(colon && last.colon)) last.text += p.text;
      last.colon ||= colon;
      last.closes.push(...closes);
    } else out.push({ pos: p.pos, text: p.text, colon, closes });
  }
  return out;
}

export function applyInsertions(src: string, insertions: Insertion[]): string {
  let out = '';
  let pos = 0;
  for (const ins of insertions) {
    out += src.slice(pos, ins.pos) + ins.text;
    pos = ins.pos;
  }
  return out + src.slice(pos);
}

/** Maps an offset in the repaired text back to the original; inserted text maps to its insertion point. */
export function offsetMapper(insertions: Insertion[]): (offset: number) => number {
  // Where each insertion starts in the repaired text, and how much was inserted before it.
  const starts: number[] = [];
  const before: number[] = [];
  let shift = 0;
  for (const ins of insertions) {
    starts.push(ins.pos + shift);
    before.push(shift);
    shift += ins.text.length;
  }
  return (offset: number): number => {
    // The last insertion starting before `offset` (an offset at an insertion's start is outside it).
    let lo = 0;
    let hi = starts.length - 1;
    let k = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] < offset) {
        k = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (k < 0) return offset;
    const ins = insertions[k];
    if (offset < starts[k] + ins.text.length) return ins.pos;
    return offset - before[k] - ins.text.length;
  };
}
