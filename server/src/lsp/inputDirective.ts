// The `# convlens: input=(…)` directive above a model class: the edit that writes it, or
// rewrites the one already there.

import type { TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { LINE_BREAK } from '../engine/python/lineIndex';
import { TYPESCRIPT_FILE } from '../engine/typescript/fileKinds';
import { shapeListToDirective } from './settings';

const DIRECTIVE = /^\s*(#|\/\/)\s*convlens:\s*input\s*=/;

function lineAt(doc: TextDocument, line: number): string {
  return doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/(?:\r\n|\r|\n)$/, '');
}

/** `classLine`: 0-based line of the `class` statement (or its first decorator). */
export function inputDirectiveEdit(doc: TextDocument, classLine: number, shapes: readonly (readonly number[])[]): TextEdit {
  const classText = lineAt(doc, classLine);
  const indent = /^\s*/.exec(classText)?.[0] ?? '';
  // TypeScript / JavaScript (TensorFlow.js) files comment with //.
  const comment = TYPESCRIPT_FILE.test(doc.uri) ? '//' : '#';
  const directive = `${indent}${comment} convlens: input=${shapeListToDirective(shapes)}`;
  if (classLine > 0) {
    const above = lineAt(doc, classLine - 1);
    if (DIRECTIVE.test(above)) {
      return { range: { start: { line: classLine - 1, character: 0 }, end: { line: classLine - 1, character: above.length } }, newText: directive };
    }
  }
  // The file's own line break (CRLF, a lone CR, or LF), so the edit does not mix them.
  const eol = LINE_BREAK.exec(doc.getText())?.[0] ?? '\n';
  return { range: { start: { line: classLine, character: 0 }, end: { line: classLine, character: 0 } }, newText: directive + eol };
}
