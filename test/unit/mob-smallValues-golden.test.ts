// Values of small tensors and NumPy arrays against real torch 1.13 / NumPy: the snippets of
// test/golden/torch/mob_small_values.json (scripts/golden/mob_small_values.py, the branches small_values.py misses, records what Python prints
// for each RESULT) run through the analysis. A number the analysis gives must be the one torch
// gives; Unknown is allowed only where the golden says the analysis cannot be sure (float32
// log/exp/pow and long linspace are not correctly rounded in torch), and every case marked `known`
// must be known.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareSmallValues } from '../support/smallValuesGolden';

test('small tensor and NumPy values: exactly torch\'s where given, Unknown only where torch\'s rounding is not certain', () => {
  const { wrong, optional, unknownOptional } = compareSmallValues('mob_small_values.json');
  assert.deepEqual(wrong, []);
  // (Uncertain here: log10 of float32 values that are not powers of ten.)
  assert.ok(optional > 0 && unknownOptional <= optional);
});
