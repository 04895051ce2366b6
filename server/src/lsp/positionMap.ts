// Maps positions between two versions of a document through the incremental edits made in
// between. Reports are computed for an older version than the one on screen while the user types;
// this keeps every annotation away from the edit where it was, and drops those inside it.

export interface Pos {
  line: number;
  character: number;
}

export interface RangeEdit {
  /** The replaced range, in the coordinates of the text before this edit. */
  start: Pos;
  end: Pos;
  /** Where the inserted text ends, in the coordinates after this edit. */
  newEnd: Pos;
}

export function comparePos(a: Pos, b: Pos): number {
  return a.line - b.line || a.character - b.character;
}

/** The end of `text` inserted at `start`. */
export function endOfInsertion(start: Pos, text: string): Pos {
  let line = start.line;
  let lastBreak = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */ || (c === 13 /* \r */ && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lastBreak = i;
    }
  }
  return lastBreak < 0 ? { line, character: start.character + text.length } : { line, character: text.length - lastBreak - 1 };
}

/**
 * Which side of an edit a position sticks to when it sits exactly on the edge: `after` reads a
 * position as the character there (a span's start, the cursor), which moves with inserted text
 * in front of it and disappears with a replaced one; `before` reads it as the boundary after the
 * previous character (a span's end), which stays put.
 */
export type Bias = 'before' | 'after';

/** Moves `p` across one edit that turned [start, fromEnd) into [start, toEnd). */
function across(p: Pos, start: Pos, fromEnd: Pos, toEnd: Pos, bias: Bias): Pos | null {
  const atStart = comparePos(p, start);
  if (atStart < 0) return p;
  if (atStart === 0) {
    const pureInsertion = comparePos(fromEnd, start) === 0;
    if (bias === 'before') return p;
    if (!pureInsertion) return null;
    return toEnd;
  }
  if (comparePos(p, fromEnd) < 0) return null;
  if (p.line === fromEnd.line) return { line: toEnd.line, character: toEnd.character + (p.character - fromEnd.character) };
  return { line: p.line + (toEnd.line - fromEnd.line), character: p.character };
}

/** Old-version position → new-version position (null: it was inside an edited range). */
export function mapForward(p: Pos, edits: readonly RangeEdit[], bias: Bias = 'after'): Pos | null {
  let q: Pos | null = p;
  for (const e of edits) {
    if (!q) return null;
    q = across(q, e.start, e.end, e.newEnd, bias);
  }
  return q;
}

/** New-version position → old-version position (null: it lies in text inserted since). */
export function mapBackward(p: Pos, edits: readonly RangeEdit[], bias: Bias = 'after'): Pos | null {
  let q: Pos | null = p;
  for (let i = edits.length - 1; i >= 0; i--) {
    if (!q) return null;
    const e = edits[i];
    q = across(q, e.start, e.newEnd, e.end, bias);
  }
  return q;
}
