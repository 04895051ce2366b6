// Softmax, log_softmax and softmin normalise over a whole dim: along a spatial dim every output
// position reads the entire axis, so ConvLens must not keep a local receptive field there. Oracle:
// real autograd (test/golden/torch/softmax_rf.json, scripts/golden/softmax_rf.py), the extent of
// what one interior output reads along H and W. Where torch reads one position, ConvLens keeps the
// axis's geometry (rf 1), unless a later axis is lost (geometry covers a trailing run of axes);
// where torch reads the whole axis, ConvLens follows no geometry on it.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { freshGeometry } from '../../server/src/engine/geometry';
import type { Tensor } from '../../server/src/engine/ops/types';
import { evaluate } from '../support/opsGolden';
import { parseExpr } from '../support/pyExpr';

const golden = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'golden', 'torch', 'softmax_rf.json'), 'utf8')) as {
  cases: { expr: string; input: number[]; extent: [number, number] }[];
};

test('softmax-like ops keep a spatial axis only where torch reads one position along it', () => {
  assert.ok(golden.cases.length >= 20 && golden.cases.some((c) => c.extent[0] > 1) && golden.cases.some((c) => c.extent[1] > 1));
  const failures: string[] = [];
  for (const c of golden.cases) {
    const input: Tensor = { kind: 'tensor', shape: c.input, geometry: freshGeometry(2) };
    const out = evaluate(parseExpr(c.expr), [input]) as Tensor;
    const geometry = out.geometry ?? [];
    // Geometry covers trailing axes: [H, W], [W] or none.
    const axes = [geometry.length === 2 ? geometry[0] : undefined, geometry.length >= 1 ? geometry[geometry.length - 1] : undefined];
    c.extent.forEach((extent, i) => {
      const axis = axes[i];
      const name = ['H', 'W'][i];
      // Geometry covers a trailing run of axes: H can only be kept if W is.
      const hiddenByLater = c.extent.slice(i + 1).some((e) => e > 1);
      if (extent === 1 && axis && (axis.rf.num !== 1 || axis.rf.den !== 1)) failures.push(`${c.expr}: ${name} reads one position in torch, ConvLens rf ${axis.rf.num}/${axis.rf.den}`);
      if (extent === 1 && !axis && !hiddenByLater) failures.push(`${c.expr}: ${name} reads one position in torch, ConvLens lost the axis`);
      if (extent > 1 && axis) failures.push(`${c.expr}: ${name} reads all ${extent} positions in torch, ConvLens keeps rf ${axis.rf.num}/${axis.rf.den}`);
    });
  }
  assert.deepEqual(failures, []);
});
