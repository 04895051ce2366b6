// Gridding, exactly: the footprint ConvLens follows through forward (footprint.ts) against real
// autograd on the style models of test/fixtures/styles/pychoice_gridding.py
// (scripts/golden/footprints.py: the input positions whose gradient an interior output has,
// projected per axis, over 8 neighbouring outputs), and against a brute-force 1-D loop over random
// stacks. A model grids (one warning) exactly when autograd finds holes and a dilated convolution
// is in it; degridding, hybrid-rate and causal stacks are held to "no warning" by the same goldens.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';

import { analyzeFile } from '../../server/src/engine/analyze';
import { applyLayerMap, convMap, footprintPatterns, inputFootprint, mergeFootprints, resizeMap, transposedConvMap, type Footprint, type LayerMap } from '../../server/src/engine/footprint';
import type { FootprintAxis } from '../../server/src/engine/report';
import { prng, randomInt, type Random } from '../support/prng';

const between = (rnd: Random, lo: number, hi: number): number => lo + randomInt(rnd, hi - lo + 1);

const FIXTURE = 'test/fixtures/styles/pychoice_gridding.py';
const GOLDEN = 'test/golden/torch/footprints_pychoice_gridding.json';

interface Pattern {
  extent: number;
  missing: number[];
}
interface GoldenModel {
  input: number[];
  dilated: boolean;
  axes: Pattern[][];
}

const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as { models: Record<string, GoldenModel> };
const text = readFileSync(FIXTURE, 'utf8');

const key = (ps: readonly Pattern[]): string =>
  ps
    .map((p) => `${p.extent}:${p.missing.join(',')}`)
    .sort()
    .join(' | ');
const patternsOf = (a: FootprintAxis): Pattern[] => a.patterns.map((p) => ({ extent: p.extent, missing: p.missing }));

describe('gridding against real autograd (pychoice_gridding.py)', () => {
  for (const [name, g] of Object.entries(golden.models)) {
    test(name, () => {
      const report = analyzeFile({ file: `/p/${FIXTURE}`, text, readFile: () => null, model: `${name}()`, inputs: [g.input] });
      const model = report.models[0]!;
      assert.equal(model.incomplete, false, JSON.stringify(report.diagnostics));
      const holey = g.axes.some((ps) => ps.some((p) => p.missing.length > 0));
      const warnings = report.diagnostics.filter((d) => d.code === 'gridding');
      assert.equal(warnings.length, holey && g.dilated ? 1 : 0, JSON.stringify(warnings));
      if (holey && g.dilated) {
        const found = warnings[0]!.holes!;
        g.axes.forEach((ps, i) => {
          const axis = found.find((a) => a.axis === ['H', 'W'][i] || (g.axes.length === 1 && a.axis === 'L'));
          const holes = ps.filter((p) => p.missing.length > 0);
          // An axis without holes is not in the warning.
          if (holes.length === 0) return assert.equal(axis, undefined, `axis ${i} has no holes: ${JSON.stringify(found)}`);
          assert.ok(axis, `axis ${i} of ${JSON.stringify(found)}`);
          assert.equal(key(patternsOf(axis)), key(holes));
        });
        assert.match(warnings[0]!.message, /never read/);
      }
      // Where the output itself is spatial, every pattern of its footprint (holes or not) matches.
      if (model.outputs[0]!.length === g.input.length) {
        const fp = model.outputFootprint!;
        g.axes.forEach((ps, i) => {
          assert.ok(fp[i], `axis ${i} followed`);
          assert.equal(key(patternsOf(fp[i]!)), key(ps));
        });
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// brute force: 1-D stacks with a branch, every position's full read set by direct index loops

type Layer =
  | { kind: 'conv'; k: number; s: number; d: number; p: number }
  | { kind: 'convT'; k: number; s: number; d: number; p: number }
  | { kind: 'nearest'; r: number }
  | { kind: 'linear'; r: number };

/** What each output position of the layer reads, as torch indexes (interior only matters). */
function reads(l: Layer, n: number): { len: number; at: (o: number) => number[] } {
  switch (l.kind) {
    case 'conv':
      return {
        len: Math.floor((n + 2 * l.p - l.d * (l.k - 1) - 1) / l.s) + 1,
        at: (o) => Array.from({ length: l.k }, (_, t) => o * l.s - l.p + t * l.d),
      };
    case 'convT': {
      const len = (n - 1) * l.s - 2 * l.p + l.d * (l.k - 1) + 1;
      return {
        len,
        at: (o) => {
          const out: number[] = [];
          for (let i = 0; i < n; i++) for (let t = 0; t < l.k; t++) if (i * l.s + t * l.d - l.p === o) out.push(i);
          return out;
        },
      };
    }
    case 'nearest':
      return { len: n * l.r, at: (o) => [Math.floor(o / l.r)] };
    case 'linear':
      return {
        len: n * l.r,
        at: (o) => {
          // half-pixel source (o + 0.5)/r − 0.5, in units of 1/(2r)
          const num = 2 * o + 1 - l.r;
          const den = 2 * l.r;
          const i0 = Math.floor(num / den);
          return ((num % den) + den) % den === 0 ? [i0] : [i0, i0 + 1];
        },
      };
  }
}

/** Per position, the set of input pixels it reads (positions reading outside are dropped). */
function run(sets: Set<number>[], layers: readonly Layer[]): Set<number>[] {
  for (const l of layers) {
    const { len, at } = reads(l, sets.length);
    const next: Set<number>[] = [];
    for (let o = 0; o < len; o++) {
      const s = new Set<number>();
      for (const i of at(o)) if (i >= 0 && i < sets.length) for (const x of sets[i]!) s.add(x);
      next.push(s);
    }
    sets = next;
  }
  return sets;
}

function layerMap(l: Layer): LayerMap {
  switch (l.kind) {
    case 'conv':
      return convMap(l.k, l.s, l.d, l.p);
    case 'convT':
      return transposedConvMap(l.k, l.s, l.d, l.p);
    case 'nearest':
      return resizeMap('nearest', 1, l.r, false)!;
    case 'linear':
      return resizeMap('linear', 1, l.r, false)!;
  }
}

function randomLayer(rnd: Random): Layer {
  const pickKind = between(rnd, 0, 9);
  if (pickKind <= 5) {
    const k = between(rnd, 1, 4);
    const d = between(rnd, 1, 4);
    return { kind: 'conv', k, s: pickKind === 0 ? 2 : 1, d, p: between(rnd, 0, (d * (k - 1)) >> 1) };
  }
  if (pickKind <= 7) {
    const s = between(rnd, 2, 3);
    return { kind: 'convT', k: between(rnd, 1, 4), s, d: between(rnd, 1, 2), p: between(rnd, 0, 1) };
  }
  return pickKind === 8 ? { kind: 'nearest', r: between(rnd, 2, 3) } : { kind: 'linear', r: 2 };
}

/** The patterns the brute force finds over the interior outputs, as the engine reports them. */
function bruteForcePatterns(out: Set<number>[]): Pattern[] {
  const seen = new Map<string, Pattern>();
  const lo = Math.floor(out.length / 3);
  const hi = Math.floor((2 * out.length) / 3);
  for (let o = lo; o < hi; o++) {
    // An output that reads nothing (a transposed convolution with stride > kernel) has no pattern.
    if (out[o]!.size === 0) continue;
    const xs = [...out[o]!].sort((a, b) => a - b);
    const first = xs[0]!;
    const extent = xs[xs.length - 1]! - first + 1;
    const present = new Set(xs);
    const missing: number[] = [];
    for (let k = 0; k < extent; k++) if (!present.has(first + k)) missing.push(k);
    seen.set(`${extent}:${missing.join(',')}`, { extent, missing });
  }
  return [...seen.values()];
}

describe('footprints against a brute-force 1-D loop', () => {
  test('random stacks with a merge of two branches (fixed seed)', () => {
    const rnd = prng(0x9a1d);
    let holey = 0;
    let phased = 0;
    for (let trial = 0; trial < 300; trial++) {
      const trunk = Array.from({ length: between(rnd, 1, 3) }, () => randomLayer(rnd));
      // two branches of stride-1 convolutions with the same output size (padding = span/2), merged
      const branch = (): Layer[] =>
        Array.from({ length: between(rnd, 0, 2) }, () => {
          const k = 2 * between(rnd, 0, 1) + 1;
          const d = between(rnd, 1, 5);
          return { kind: 'conv', k, s: 1, d, p: (d * (k - 1)) / 2 } as Layer;
        });
      const a = branch();
      const b = branch();
      const tail = Array.from({ length: between(rnd, 0, 2) }, () => randomLayer(rnd));
      const n = 400;
      const input = Array.from({ length: n }, (_, i) => new Set([i]));
      const t = run(input, trunk);
      const ra = run(t, a);
      const rb = run(t, b);
      const merged = ra.map((s, i) => new Set([...s, ...rb[i]!]));
      const out = run(merged, tail);
      if (out.length < 60) continue;

      let fp: Footprint | undefined = inputFootprint();
      for (const l of trunk) fp = fp && applyLayerMap(fp, layerMap(l));
      let fa = fp;
      for (const l of a) fa = fa && applyLayerMap(fa, layerMap(l));
      let fb = fp;
      for (const l of b) fb = fb && applyLayerMap(fb, layerMap(l));
      let f = mergeFootprints([fa, fb]);
      for (const l of tail) f = f && applyLayerMap(f, layerMap(l));
      const expected = bruteForcePatterns(out);
      assert.ok(f, `followed: ${JSON.stringify({ trunk, a, b, tail })}`);
      assert.equal(key(footprintPatterns(f)), key(expected), JSON.stringify({ trunk, a, b, tail }));
      if (expected.some((p) => p.missing.length)) holey++;
      if (f.period > 1) phased++;
    }
    // The random stacks exercise holes and up-sampled phases, not only dense footprints.
    assert.ok(holey > 30 && phased > 30, `holey ${holey}, phased ${phased}`);
  });
});
