// A completed analysis as the request handlers see it: the report, indexes built from it on first
// use, and the mapping between the analysed text and the text on screen now.

import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range } from 'vscode-languageserver';
import type { CompletedAnalysis } from './analysisScheduler';
import { comparePos, mapBackward, mapForward, type Bias, type Pos, type RangeEdit } from './positionMap';
import { ReportIndex, type Span0 } from './reportIndex';
import { SyntaxIndex } from './syntaxIndex';
import { TYPESCRIPT_FILE } from '../engine/typescript/fileKinds';
import { parsePython } from '../engine/python/parse';

export class AnalysisView {
  constructor(
    readonly result: CompletedAnalysis,
    /** Edits from the analysed version to the current text; null: the text was replaced since. */
    private readonly edits: RangeEdit[] | null,
  ) {}

  get report() {
    return this.result.report;
  }

  /** True when the analysed text is the text on screen. */
  get current(): boolean {
    return this.edits !== null && this.edits.length === 0;
  }

  index(): ReportIndex {
    const d = this.result.derived;
    if (!(d.index instanceof ReportIndex)) d.index = new ReportIndex(this.result.report, this.result.path);
    return d.index as ReportIndex;
  }

  syntax(): SyntaxIndex {
    const d = this.result.derived;
    // The index reads Python; a TensorFlow.js file gets an empty one (the report's own locations
    // carry hovers and lenses there).
    if (!(d.syntax instanceof SyntaxIndex)) {
      d.syntax = new SyntaxIndex(this.result.syntaxTree ?? parsePython(TYPESCRIPT_FILE.test(this.result.path) ? '' : this.result.text));
    }
    return d.syntax as SyntaxIndex;
  }

  /** The analysed text as a document (offset ↔ position). */
  snapshot(): TextDocument {
    const d = this.result.derived;
    if (!d.snapshot) d.snapshot = TextDocument.create(this.result.uri, 'python', 0, this.result.text);
    return d.snapshot as TextDocument;
  }

  /** Screen position → position in the analysed text. */
  toAnalysed(p: Pos): Pos | null {
    if (!this.edits) return null;
    return this.edits.length ? mapBackward(p, this.edits) : p;
  }

  /** Position in the analysed text → screen position (null: that text was edited since). */
  toScreen(p: Pos, bias: Bias = 'after'): Pos | null {
    if (!this.edits) return null;
    return this.edits.length ? mapForward(p, this.edits, bias) : p;
  }

  /** A span's start moves with text typed in front of it; its end stays before text typed after it. */
  rangeToScreen(span: Span0): Range | null {
    const start = this.toScreen(span.start, 'after');
    const end = this.toScreen(span.end, 'before');
    if (!start || !end) return null;
    return { start, end: comparePos(end, start) < 0 ? start : end };
  }

  /** The text of one line of the analysed text, without its line break. */
  lineText(line: number): string {
    const doc = this.snapshot();
    const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
    return text.replace(/(?:\r\n|\r|\n)$/, '');
  }
}
