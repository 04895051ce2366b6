// Fixture files as the protocol tests open them, and the reference numbers they are held to
// (fixtures/expected: real PyTorch runs, independent of ConvLens).

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FIXTURES, fixturePath } from './lspClient';

export function fixtureText(name: string): string {
  return readFileSync(fixturePath(name), 'utf8');
}

/**
 * The fixture with `# convlens: input=(…)` above each named class, so the editor analyses the
 * input the reference was computed for (without it the input is guessed from the first layer).
 */
export function withInputs(text: string, inputs: Record<string, readonly number[]>): string {
  let out = text;
  for (const [cls, shape] of Object.entries(inputs)) {
    const at = out.indexOf(`class ${cls}(`);
    if (at < 0) throw new Error(`no class ${cls}`);
    out = `${out.slice(0, at)}# convlens: input=(${shape.join(', ')})\n${out.slice(at)}`;
  }
  return out;
}

export interface ExpectedLayer {
  name: string | null;
  type: string;
  in: number[];
  out: number[];
  macs: number;
  rf: (number | string)[];
  jump: (number | string)[];
}

export interface ExpectedModel {
  input: number[];
  params: number;
  macs: number;
  outputs: number[][];
  layers: ExpectedLayer[];
}

export function expected(name: string): ExpectedModel {
  return JSON.parse(readFileSync(resolve(FIXTURES, 'expected', `${name}.json`), 'utf8')) as ExpectedModel;
}

export function expectedLayer(model: ExpectedModel, name: string): ExpectedLayer {
  const layer = model.layers.find((l) => l.name === name);
  if (!layer) throw new Error(`no layer ${name}`);
  return layer;
}

/** `2×256×4×4` */
export function shape(dims: readonly number[]): string {
  return dims.join('×');
}

/** `25,557,032` */
export function grouped(n: number): string {
  return n.toLocaleString('en-US');
}

/** The cells of the markdown table row whose first cell is `` `label` ``. */
export function tableRow(markdown: string, label: string): string[] | null {
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (cells[0] === `\`${label}\``) return cells;
  }
  return null;
}
