// The quick fix for an unevenly overlapping conv2dTranspose in a TensorFlow.js file: a kernelSize
// divisible by the strides. With padding 'same' TF.js's output is in·stride whatever the kernel,
// so the output shape stays; with 'valid' it stays only when the kernel does not exceed the
// stride (in·stride + max(k − stride, 0)). The edit is then checked like the Python fixes: the
// engine re-reads the edited text and must find the overlap even and every shape unchanged.

import type * as TS from 'typescript';
import type { TextEdit } from 'vscode-languageserver';
import type { LayerReport } from '../engine/report';
import type { AnalysisView } from './analysisView';
import { layersMadeBy, type FixCandidate } from './fixCandidate';
import { spanOf } from './reportIndex';
import { samePath } from './uris';

/** Loaded when a TS/JS file asks for a fix (Python users never load the compiler). */
function typescript(): typeof TS {
  return require('typescript') as typeof TS;
}

function sourceOf(view: AnalysisView): TS.SourceFile {
  const ts = typescript();
  const d = view.result.derived;
  if (!(d.tsSource && typeof d.tsSource === 'object')) d.tsSource = ts.createSourceFile(view.result.path, view.result.text, ts.ScriptTarget.Latest, true);
  return d.tsSource as TS.SourceFile;
}

/** The call expression spanning exactly [from, to). */
function callAt(sf: TS.SourceFile, from: number, to: number): TS.CallExpression | null {
  const ts = typescript();
  let found: TS.CallExpression | null = null;
  const visit = (node: TS.Node): void => {
    if (found || node.end < from || node.getStart(sf) > to) return;
    if (ts.isCallExpression(node) && node.getStart(sf) === from && node.end === to) {
      found = node;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function property(obj: TS.ObjectLiteralExpression, name: string): TS.PropertyAssignment | null {
  const ts = typescript();
  for (const p of obj.properties) {
    if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === name) return p;
  }
  return null;
}

export function tfjsKernelCandidate(view: AnalysisView, layer: LayerReport): FixCandidate | null {
  const made = layer.defined[0];
  const k = layer.kernel;
  const s = layer.stride;
  if (!made || !k || !s || !samePath(made.file, view.result.path) || !/^Conv[23]DTranspose$/.test(layer.op)) return null;
  const doc = view.snapshot();
  const span = spanOf(made);
  const sf = sourceOf(view);
  const call = callAt(sf, doc.offsetAt(span.start), doc.offsetAt(span.end));
  const config = call?.arguments[0];
  const ts = typescript();
  if (!call || !config || !ts.isObjectLiteralExpression(config)) return null;
  const kernelProp = property(config, 'kernelSize');
  if (!kernelProp) return null;
  const fixed = k.map((kk, i) => Math.max(s[i]!, Math.ceil(kk / s[i]!) * s[i]!));
  if (fixed.every((f, i) => f === k[i])) return null;
  const literal = ts.isArrayLiteralExpression(kernelProp.initializer) || new Set(fixed).size > 1 ? `[${fixed.join(', ')}]` : String(fixed[0]);
  const init = kernelProp.initializer;
  const edit: TextEdit = { range: { start: doc.positionAt(init.getStart(sf)), end: doc.positionAt(init.end) }, newText: literal };
  return {
    title: `Use kernelSize: ${literal} (divisible by the strides: even overlap, same output shape)`,
    edits: [edit],
    replaced: layersMadeBy(view.report, made),
    renamed: (p) => p,
  };
}
