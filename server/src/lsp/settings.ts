// The `convlens.*` settings as the server uses them: defaults, validation, and the shape syntax.

import { parseShapeText } from '../engine/shapeText';
import type { ConvLensSettings, PythonEnvironmentParams, PythonScope } from './protocol';

export const DEFAULT_SETTINGS: ConvLensSettings = {
  defaultInputShape: '',
  defaultImageSize: 224,
  codeLens: { enable: true },
  inlayHints: { enable: true },
  diagnostics: { unknown: false },
  python: { extraPaths: [] },
  analysis: { timeLimitMs: 200 },
};

/** The bounds the time-limit setting is kept in: below, models are cut short while typing;
 *  above, one analysis could hold the server (hovers wait for it) for too long. */
export const TIME_LIMIT_RANGE_MS = { min: 50, max: 10_000 } as const;

function timeLimit(source: unknown, fallback: number): number {
  if (!isRecord(source)) return fallback;
  const v = source.timeLimitMs;
  if (typeof v !== 'number' || !Number.isFinite(v)) return fallback;
  return Math.round(Math.min(TIME_LIMIT_RANGE_MS.max, Math.max(TIME_LIMIT_RANGE_MS.min, v)));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function flag(source: unknown, key: string, fallback: boolean): boolean {
  if (!isRecord(source)) return fallback;
  const v = source[key];
  return typeof v === 'boolean' ? v : fallback;
}

/** `convlens.python.extraPaths` as sent: an array of strings (other entries dropped), or the base. */
function stringList(source: unknown, key: string, fallback: string[]): string[] {
  if (!isRecord(source)) return fallback;
  const v = source[key];
  if (!Array.isArray(v)) return fallback;
  return v.filter((x): x is string => typeof x === 'string' && x.trim() !== '');
}

/** Settings from whatever the client sent (a partial object, possibly with wrong types). */
export function readSettings(raw: unknown, base: ConvLensSettings = DEFAULT_SETTINGS): ConvLensSettings {
  if (!isRecord(raw)) return base;
  const size = raw.defaultImageSize;
  return {
    defaultInputShape: typeof raw.defaultInputShape === 'string' ? raw.defaultInputShape : base.defaultInputShape,
    defaultImageSize: typeof size === 'number' && Number.isInteger(size) && size > 0 ? size : base.defaultImageSize,
    codeLens: { enable: flag(raw.codeLens, 'enable', base.codeLens.enable) },
    inlayHints: { enable: flag(raw.inlayHints, 'enable', base.inlayHints.enable) },
    diagnostics: { unknown: flag(raw.diagnostics, 'unknown', base.diagnostics.unknown) },
    python: { extraPaths: stringList(raw.python, 'extraPaths', base.python.extraPaths) },
    analysis: { timeLimitMs: timeLimit(raw.analysis, base.analysis.timeLimitMs) },
  };
}

/** The client's `convlens/pythonEnvironment` message, checked (wrong types dropped); null when it
 *  is not one at all. */
export function readPythonEnvironment(raw: unknown): PythonEnvironmentParams | null {
  if (!isRecord(raw)) return null;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);
  const scopes: PythonScope[] = [];
  for (const s of Array.isArray(raw.scopes) ? raw.scopes : []) {
    if (!isRecord(s)) continue;
    scopes.push({
      ...(typeof s.folder === 'string' && s.folder !== '' ? { folder: s.folder } : {}),
      ...(typeof s.interpreterPath === 'string' && s.interpreterPath !== '' ? { interpreterPath: s.interpreterPath } : {}),
      analysisExtraPaths: strings(s.analysisExtraPaths),
    });
  }
  return { workspaceFolders: strings(raw.workspaceFolders), scopes };
}

/** `1,3,224,224`, `(1, 3, 224, 224)`, `1x3x224x224`; several inputs separated by `;` (the
 *  engine's one shape parser, shared with `--input` and the directives). */
export const parseShapeList = parseShapeText;

/** The directive's spelling of shapes: `(1, 3, 224, 224)`, several joined by `; `. */
export function shapeListToDirective(shapes: readonly (readonly number[])[]): string {
  return shapes.map((s) => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`).join('; ');
}
