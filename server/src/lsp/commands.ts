// Server-side commands: the layer table of a document (what `convlens analyze` prints) and the
// edit behind "set input shape".

import type { Connection } from 'vscode-languageserver';
import { ResponseError, ErrorCodes } from 'vscode-languageserver';
import { formatTable } from '../format/table';
import type { AnalysisScheduler } from './analysisScheduler';
import type { DocumentStore } from './documentStore';
import { inputDirectiveEdit } from './inputDirective';
import { SERVER_COMMANDS, type ApplyInputShapeArgs, type ApplyModelArgs, type LayerTableArgs } from './protocol';
import { modelDirectiveEdit } from './modelChoice';
import { LINE_BREAK } from '../engine/python/lineIndex';
import type { TextEdit } from 'vscode-languageserver';
import { spanOf } from './reportIndex';
import { mapForward } from './positionMap';
import { parseShapeList } from './settings';
import { samePath } from './uris';

export const COMMAND_IDS = Object.values(SERVER_COMMANDS);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

export async function executeCommand(
  command: string,
  args: unknown[] | undefined,
  deps: { connection: Connection; store: DocumentStore; scheduler: AnalysisScheduler },
): Promise<unknown> {
  const arg = args?.[0];
  if (command === SERVER_COMMANDS.layerTable) {
    if (!isRecord(arg) || typeof arg.uri !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'expected [{ uri }]');
    const { uri, depth } = arg as unknown as LayerTableArgs;
    // The table's header gives the valid input sizes a keystroke's report defers.
    const result = deps.scheduler.complete(uri);
    const validDepth = typeof depth === 'number' && Number.isSafeInteger(depth) && depth >= 0 ? depth : undefined;
    return result ? formatTable(result.report, { depth: validDepth }) : null;
  }
  if (command === SERVER_COMMANDS.applyInputShape) {
    if (!isRecord(arg) || typeof arg.uri !== 'string' || typeof arg.shape !== 'string') {
      throw new ResponseError(ErrorCodes.InvalidParams, 'expected [{ uri, line?, shape }]');
    }
    const { uri, shape, line } = arg as unknown as ApplyInputShapeArgs;
    const shapes = parseShapeList(shape);
    if (!shapes) throw new ResponseError(ErrorCodes.InvalidParams, `not a shape: ${shape} (write e.g. 1,3,224,224)`);
    const doc = deps.store.get(uri);
    if (!doc) throw new ResponseError(ErrorCodes.InvalidParams, `not an open document: ${uri}`);
    const classLine = typeof line === 'number' ? line : firstModelLine(deps, uri);
    if (classLine === null) throw new ResponseError(ErrorCodes.InvalidParams, 'no model class in this file');
    const edit = inputDirectiveEdit(doc.document, classLine, shapes);
    const applied = await deps.connection.workspace.applyEdit({ label: 'Set input shape', edit: { changes: { [uri]: [edit] } } });
    return applied.applied;
  }
  if (command === SERVER_COMMANDS.applyModel) {
    if (!isRecord(arg) || typeof arg.uri !== 'string' || typeof arg.line !== 'number' || typeof arg.expression !== 'string') {
      throw new ResponseError(ErrorCodes.InvalidParams, 'expected [{ uri, line, expression }]');
    }
    const { uri, line, expression } = arg as unknown as ApplyModelArgs;
    const call = expression.trim();
    if (!/^[A-Za-z_][\w.]*\s*\(.*\)$/s.test(call) || /[\r\n]/.test(call)) {
      throw new ResponseError(ErrorCodes.InvalidParams, `not a call on one line: ${expression} (write e.g. UNet(n_channels=3, n_classes=2))`);
    }
    const doc = deps.store.get(uri);
    if (!doc) throw new ResponseError(ErrorCodes.InvalidParams, `not an open document: ${uri}`);
    const edits = modelEdits(deps, uri, line, call);
    const applied = await deps.connection.workspace.applyEdit({ label: 'Choose the model', edit: { changes: { [uri]: edits } } });
    return applied.applied;
  }
  throw new ResponseError(ErrorCodes.MethodNotFound, `unknown command ${command}`);
}

/** The screen line of the first model class of the document. */
function firstModelLine(deps: { store: DocumentStore; scheduler: AnalysisScheduler }, uri: string): number | null {
  const result = deps.scheduler.latest(uri);
  if (!result) return null;
  const edits = deps.store.editsSince(uri, result.version);
  for (const model of result.report.models) {
    const loc = model.classLocation;
    if (!loc || !samePath(loc.file, result.path)) continue;
    const at = edits ? mapForward(spanOf(loc).start, edits) : null;
    if (at) return at.line;
  }
  return null;
}

/**
 * The directive for the chosen class, and — when the file names no model yet — one for each other
 * model shown now that a directive can name (a call of the project, an argument-free class): a
 * `model=` comment makes the file's models those it names, and choosing one class must not hide
 * the others.
 */
function modelEdits(deps: { store: DocumentStore; scheduler: AnalysisScheduler }, uri: string, line: number, expression: string): TextEdit[] {
  const doc = deps.store.get(uri)!.document;
  const eol = LINE_BREAK.exec(doc.getText())?.[0] ?? '\n';
  const edits = [modelDirectiveEdit(doc, line, expression, eol)];
  const result = deps.scheduler.latest(uri);
  if (!result || /^\s*#\s*convlens:.*\bmodel\s*=/m.test(doc.getText())) return edits;
  const changes = deps.store.editsSince(uri, result.version);
  if (!changes) return edits;
  const lines = new Set([line]);
  for (const model of result.report.models) {
    const loc = model.classLocation;
    if (!loc || !samePath(loc.file, result.path)) continue;
    const named = model.modelSource?.kind === 'call' || model.name === `${model.className}()`;
    const at = mapForward(spanOf(loc).start, changes);
    if (!named || !at || lines.has(at.line)) continue;
    lines.add(at.line);
    edits.push(modelDirectiveEdit(doc, at.line, model.name, eol));
  }
  return edits;
}
