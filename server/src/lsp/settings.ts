// The `convlens.*` settings as the server uses them: defaults, validation, and the shape syntax.

import { parseShapeText } from '../engine/shapeText';
import type { ConvLensSettings } from './protocol';

export const DEFAULT_SETTINGS: ConvLensSettings = {
  defaultInputShape: '',
  defaultImageSize: 224,
  codeLens: { enable: true },
  inlayHints: { enable: true },
  diagnostics: { unknown: false },
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function flag(source: unknown, key: string, fallback: boolean): boolean {
  if (!isRecord(source)) return fallback;
  const v = source[key];
  return typeof v === 'boolean' ? v : fallback;
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
  };
}

/** `1,3,224,224`, `(1, 3, 224, 224)`, `1x3x224x224`; several inputs separated by `;` (the
 *  engine's one shape parser, shared with `--input` and the directives). */
export const parseShapeList = parseShapeText;

/** The directive's spelling of shapes: `(1, 3, 224, 224)`, several joined by `; `. */
export function shapeListToDirective(shapes: readonly (readonly number[])[]): string {
  return shapes.map((s) => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`).join('; ');
}
