// Every signature string of server/src/engine/ops against torch 1.13's own parameter lists
// (test/golden/torch/signatures.json, from scripts/golden/signatures.py): each nn.Module's
// __init__ and forward, and each function and Tensor method torch defines in Python. The
// interpreter binds a user's call to these strings, so a wrong name, order, kind or default binds
// an argument to the wrong parameter.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { tensorFunctionSpecs } from '../../server/src/engine/ops/functionRegistry';
import { layerFunctionSpecs } from '../../server/src/engine/ops/layerFunctions';
import { moduleSpecs } from '../../server/src/engine/ops/moduleRegistry';
import { signatureDiff, type TorchParam } from '../support/torchSignature';

const golden = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'golden', 'torch', 'signatures.json'), 'utf8')) as {
  modules: Record<string, { init: TorchParam[] | null; forward: TorchParam[] | null }>;
  functions: Record<string, TorchParam[]>;
};

test('every nn.Module ConvLens knows has torch 1.13\'s __init__ and forward parameters', () => {
  const failures: string[] = [];
  let compared = 0;
  for (const [name, spec] of moduleSpecs) {
    const torch = golden.modules[name];
    if (!torch) {
      failures.push(`${name}: not a torch.nn class`);
      continue;
    }
    for (const [what, ours, theirs] of [['__init__', spec.signature, torch.init], ['forward', spec.forwardSignature, torch.forward]] as const) {
      if (!theirs) continue;
      compared++;
      const diff = signatureDiff(ours, theirs);
      if (diff) failures.push(`${name}.${what}:\n      ${diff}`);
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(compared >= 2 * moduleSpecs.size - 4, `only ${compared} signatures compared`);
});

test('every function and Tensor method ConvLens knows that torch defines in Python has torch 1.13\'s parameters', () => {
  const failures: string[] = [];
  let compared = 0;
  for (const [name, spec] of [...layerFunctionSpecs, ...tensorFunctionSpecs]) {
    const torch = golden.functions[name];
    if (!torch) continue;
    // torch's list of a method leaves out `self`, the tensor it is called on.
    const ours = name.startsWith('Tensor.') ? spec.signature.replace(/^self\s*(,\s*|$)/, '') : spec.signature;
    compared++;
    const diff = signatureDiff(ours, torch);
    if (diff) failures.push(`${name}:\n      ${diff}`);
  }
  assert.deepEqual(failures, []);
  // F.* layers and losses, torch.split/einsum/..., the Python-defined Tensor methods.
  assert.ok(compared >= 85, `only ${compared} signatures compared`);
});
