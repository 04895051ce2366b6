// Reading and rewriting the arguments of one constructor call in the source, for quick fixes:
// which argument text gives `padding`, and the edit that sets it to a new value.

import type { TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { CallArg, CallExpr } from '../engine/python/ast';

/** torch.nn's ConvTranspose{1,2,3}d constructor, in order. */
export const CONV_TRANSPOSE_PARAMS = [
  'in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'output_padding', 'groups', 'bias', 'dilation', 'padding_mode',
];

export interface BoundArguments {
  call: CallExpr;
  byName: Map<string, CallArg>;
}

/** Binds arguments to parameter names; null when `*args`/`**kwargs` make it unknowable. */
export function bindArguments(call: CallExpr, params: readonly string[]): BoundArguments | null {
  const byName = new Map<string, CallArg>();
  let position = 0;
  for (const arg of call.args) {
    if (arg.kind === 'star' || arg.kind === 'dstar') return null;
    if (arg.kind === 'pos') {
      if (position >= params.length) return null;
      byName.set(params[position++], arg);
    } else if (arg.name) {
      if (!params.includes(arg.name) || byName.has(arg.name)) return null;
      byName.set(arg.name, arg);
    }
  }
  return { call, byName };
}

export function argumentText(bound: BoundArguments, name: string, text: string): string | null {
  const arg = bound.byName.get(name);
  return arg ? text.slice(arg.value.from, arg.value.to) : null;
}

/**
 * The edit that gives parameter `name` the source `value`: replaces the argument's value, adds a
 * keyword argument at the end, or (when `value` is null: back to the default) removes a keyword one.
 */
export function setArgument(bound: BoundArguments, name: string, value: string | null, doc: TextDocument): TextEdit | null {
  const arg = bound.byName.get(name);
  const range = (from: number, to: number) => ({ start: doc.positionAt(from), end: doc.positionAt(to) });
  if (arg) {
    if (value !== null) return { range: range(arg.value.from, arg.value.to), newText: value };
    if (arg.kind !== 'kw') return null;
    const index = bound.call.args.indexOf(arg);
    const previous = bound.call.args[index - 1];
    if (!previous) return null;
    return { range: range(previous.to, arg.to), newText: '' };
  }
  if (value === null) return null;
  const last = bound.call.args[bound.call.args.length - 1];
  if (!last) return null;
  // One argument per line: the new one gets its own line, indented like the last, and the
  // trailing comma stays where the author keeps it.
  const text = doc.getText();
  const indent = ownLineIndent(text, last.from);
  if (indent !== null) {
    const comma = /^[ \t]*,/.exec(text.slice(last.to));
    if (comma) {
      const at = last.to + comma[0].length;
      return { range: range(at, at), newText: `\n${indent}${name}=${value},` };
    }
    return { range: range(last.to, last.to), newText: `,\n${indent}${name}=${value}` };
  }
  return { range: range(last.to, last.to), newText: `, ${name}=${value}` };
}

/** The indentation of the line `offset` is on when only whitespace comes before it there; else null. */
export function ownLineIndent(text: string, offset: number): string | null {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  return /^[ \t]*$/.test(before) && lineStart > 0 ? before : null;
}

/** The indentation of the line that holds `offset`. */
export function lineIndent(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/** `4` or `(4, 2)`: one number when all axes agree. */
export function axesLiteral(values: readonly number[]): string {
  return values.every((v) => v === values[0]) ? String(values[0]) : `(${values.join(', ')})`;
}
