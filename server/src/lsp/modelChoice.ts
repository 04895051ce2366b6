// Choosing the model of a class that needs constructor arguments: the text the editor offers
// (the signature with its defaults filled in and `...` where a value is required) and the edit that
// writes the `# convlens: model=…` directive above the class. Shared by the server and the client,
// so free of `vscode` and of server-only imports.

import type { TextEdit } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';

/** A parameter of `__init__` as the signature writes it. */
export interface SignatureParameter {
  name: string;
  /** The default as written (`64`, `nn.BatchNorm2d`); null when the caller must give a value. */
  default: string | null;
  /** Before a `/`: can only be given by position. */
  positionalOnly: boolean;
}

/** Splits `a, b=(1, 2), c: int = 3` at its top-level commas (brackets and strings kept whole). */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** The index of the first top-level `=` of a parameter (not `==`, not inside an annotation's brackets). */
function defaultAt(param: string): number {
  let depth = 0;
  for (let i = 0; i < param.length; i++) {
    const c = param[i]!;
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === '=' && depth === 0 && param[i + 1] !== '=' && !'<>!='.includes(param[i - 1] ?? '')) return i;
  }
  return -1;
}

/** `ResnetGenerator(input_nc, output_nc, ngf=64, *, n_blocks=6)` → its named parameters (no `*args`, `**kwargs`). */
export function signatureParameters(signature: string): { className: string; parameters: SignatureParameter[] } | null {
  const open = signature.indexOf('(');
  if (open <= 0 || !signature.endsWith(')')) return null;
  const className = signature.slice(0, open).trim();
  const raw = splitTopLevel(signature.slice(open + 1, -1));
  const slash = raw.indexOf('/');
  const parameters: SignatureParameter[] = [];
  raw.forEach((p, i) => {
    if (p === '/' || p === '*' || p.startsWith('*')) return;
    const eq = defaultAt(p);
    const head = (eq >= 0 ? p.slice(0, eq) : p).trim();
    const name = head.split(':')[0]!.trim();
    parameters.push({ name, default: eq >= 0 ? p.slice(eq + 1).trim() : null, positionalOnly: i < slash });
  });
  return { className, parameters };
}

/** The call the editor pre-fills: every parameter by name, defaults as written, `...` where a value
 *  is required (positional-only ones by position). `required` lists those still to fill in. */
export function signatureTemplate(signature: string): { expression: string; required: string[] } | null {
  const parsed = signatureParameters(signature);
  if (!parsed) return null;
  const required = parsed.parameters.filter((p) => p.default === null).map((p) => p.name);
  const args = parsed.parameters.map((p) => {
    const value = p.default ?? '...';
    return p.positionalOnly ? value : `${p.name}=${value}`;
  });
  return { expression: `${parsed.className}(${args.join(', ')})`, required };
}

/** The required parameters a call leaves as `...` (the editor refuses it until they are filled in). */
export function unfilledParameters(expression: string): string[] {
  const out: string[] = [];
  for (const m of expression.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*=\s*\.\.\.(?=\s*[,)])/g)) out.push(m[1]!);
  if (/[(,]\s*\.\.\.\s*(?=[,)])/.test(expression) && !out.length) out.push('…');
  return out;
}

const MODEL_DIRECTIVE = /^\s*(#|\/\/)\s*convlens:\s*model\s*=/;

function lineAt(doc: TextDocument, line: number): string {
  return doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/(?:\r\n|\r|\n)$/, '');
}

/**
 * The edit that makes `expression` the model of the class at `classLine` (0-based line of the
 * `class` statement or its first decorator): it replaces a `# convlens: model=` line in the
 * comment block right above the class, else adds one right above it (an `input=` directive above
 * stays attached to the class).
 */
export function modelDirectiveEdit(doc: TextDocument, classLine: number, expression: string, eol: string): TextEdit {
  const classText = lineAt(doc, classLine);
  const indent = /^\s*/.exec(classText)?.[0] ?? '';
  const directive = `${indent}# convlens: model=${expression}`;
  for (let line = classLine - 1; line >= 0; line--) {
    const text = lineAt(doc, line);
    if (!/^\s*#/.test(text)) break;
    if (MODEL_DIRECTIVE.test(text)) {
      // `# convlens: model=X input=1,3,64,64`: the shapes stay.
      const input = /\binput\s*=.*$/.exec(text.slice(text.indexOf('model')))?.[0];
      return { range: { start: { line, character: 0 }, end: { line, character: text.length } }, newText: input ? `${directive} ${input}` : directive };
    }
  }
  return { range: { start: { line: classLine, character: 0 }, end: { line: classLine, character: 0 } }, newText: directive + eol };
}
