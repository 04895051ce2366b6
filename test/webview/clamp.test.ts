// The preview clamps an oversized input in a bounded number of evaluations (issue 11, item 5):
// the binary search must choose exactly what shrinking one pixel at a time (the reference, run
// here only where it is cheap) chooses, and answer at once for an input of 10^9 rows.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clampChain, withInputSize } from '../../webview/src/preview/plan';
import { chainOutSize, type Chain, type Pair, type Step } from '../../webview/src/preview/steps';

const init = { kind: 'default', fanIn: 9 } as const;
const convT = (k: number, s: number, p: number, op: number): Step => ({
  op: 'convTranspose', inChannels: 1, outChannels: 1, kernel: [k, k], stride: [s, s], padding: [p, p], dilation: [1, 1], outputPadding: [op, op], bias: false, init,
});
const conv = (k: number, pad: number): Step => ({ op: 'conv', inChannels: 1, outChannels: 1, kernel: [k, k], pads: [pad, pad, pad, pad], dilation: [1, 1], bias: false, init });
const resize = (sx: number, sy: number): Step => ({ op: 'resize', mode: 'bilinear', alignCorners: false, scales: [sx, sy], sizes: null });

/** The old planner: one pixel at a time. */
function oneAtATime(chain: Chain, maxSide: number): Pair {
  const inSize: Pair = [...chain.inSize];
  for (const a of [0, 1] as const) while (inSize[a] > 1 && chainOutSize(withInputSize(chain, inSize))[a] > maxSide) inSize[a]--;
  return inSize;
}

const CHAINS: Step[][] = [[convT(3, 2, 1, 1)], [convT(4, 2, 1, 0), convT(4, 2, 1, 0)], [resize(3, 1.5)], [convT(3, 3, 0, 0), conv(3, 1)], [{ op: 'depthToSpace', factor: 2 }], [resize(2, 2), conv(5, 0)]];

test('the clamped input is the one shrinking pixel by pixel finds, for every chain and many sizes', () => {
  for (const steps of CHAINS) {
    for (const h of [1, 2, 100, 255, 256, 257, 300, 511, 600, 1000, 2047]) {
      for (const w of [3, 256, 700]) {
        const chain: Chain = { inChannels: steps[0]!.op === 'depthToSpace' ? 4 : 1, inSize: [h, w], steps };
        const clamped = clampChain(chain, 512);
        const expected = oneAtATime(chain, 512);
        assert.deepEqual(clamped?.inSize ?? chain.inSize, expected, `${JSON.stringify(steps.map((s) => s.op))} at ${h}×${w}`);
      }
    }
  }
});

test('an input of 10^9 rows is clamped at once, to the largest that fits', () => {
  const chain: Chain = { inChannels: 1, inSize: [1e9, 1e9], steps: [convT(3, 2, 1, 1)] };
  const started = process.cpuUsage();
  const clamped = clampChain(chain, 512)!;
  const cpuMs = (process.cpuUsage(started).user + process.cpuUsage(started).system) / 1000;
  // out = 2·in for k3 s2 p1 op1: 256 is the largest input whose output fits 512.
  assert.deepEqual(clamped.inSize, [256, 256]);
  assert.deepEqual(chainOutSize(clamped), [512, 512]);
  // A bound on work done, not on the machine's speed: 2 × 30 evaluations take microseconds; the
  // old loop would take hours.
  assert.ok(cpuMs < 1000, `${cpuMs} ms of CPU`);
});
