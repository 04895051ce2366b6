// The ONNX ModelProto encoder, checked by what onnxruntime-node makes of its bytes: every
// attribute kind (int, negative int, ints, float, floats, string), float32 and int64
// initializers (negative values too), symbolic and concrete dims, opset 17 / IR version 8.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { InferenceSession, Tensor } from 'onnxruntime-node';

import { encodeModel } from '../../webview/src/onnx/modelProto';

describe('ONNX ModelProto encoder', () => {
  test('header: ir_version 8 first, opset_import 17 last', () => {
    const bytes = encodeModel({ nodes: [], inputs: [], outputs: [] });
    assert.deepEqual([...bytes.slice(0, 2)], [0x08, 8]); // field 1 (varint) = 8
    // opset_import (field 8, length-delimited) = { domain (1) = '', version (2) = 17 }
    assert.deepEqual([...bytes.slice(-6)], [0x42, 4, 0x0a, 0, 0x10, 17]);
  });

  test('attributes of every kind and int64 initializers survive a round trip through onnxruntime', async () => {
    const bytes = encodeModel({
      nodes: [
        { opType: 'Transpose', inputs: ['x'], outputs: ['t'], attributes: { perm: [2, 0, 1] } },
        { opType: 'LeakyRelu', inputs: ['t'], outputs: ['l'], attributes: { alpha: 0.25 } },
        { opType: 'Softmax', inputs: ['l'], outputs: ['s'], attributes: { axis: -1 } },
        { opType: 'Reshape', inputs: ['s', 'shape'], outputs: ['r'] },
        {
          opType: 'Resize',
          inputs: ['r', '', 'scales'],
          outputs: ['y'],
          attributes: { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' },
        },
        // a whole-number float attribute has to be forced to FLOAT
        { opType: 'LeakyRelu', inputs: ['x'], outputs: ['z'], attributes: { alpha: { type: 'float', value: 2 } } },
        { opType: 'Clip', inputs: ['x', 'lo', 'hi'], outputs: ['c'] },
        { opType: 'Constant', inputs: [], outputs: ['k'], attributes: { value_floats: [0.5, 1.5, -2.25] } },
      ],
      initializers: [
        { name: 'shape', dims: [2], data: [-1, 6], type: 'int64' },
        { name: 'scales', dims: [2], data: new Float32Array([1, 2]) },
        { name: 'lo', dims: [], data: new Float32Array([-0.5]) },
        { name: 'hi', dims: [], data: new Float32Array([0.5]) },
      ],
      inputs: [{ name: 'x', shape: [2, 3, 4] }],
      outputs: [
        { name: 'y', shape: ['rows', 'cols'] },
        { name: 'z', shape: [2, 3, 4] },
        { name: 'c', shape: [2, 3, 4] },
        { name: 'k', shape: [3] },
      ],
    });
    const session = await InferenceSession.create(bytes, { logSeverityLevel: 3 });
    const x = Float32Array.from({ length: 24 }, (_, i) => i - 12);
    const out = await session.run({ x: new Tensor('float32', x, [2, 3, 4]) });
    // transpose → [4, 2, 3], softmax over the last axis, reshape to [4, 6], nearest ×2 on columns
    assert.deepEqual(out.y!.dims, [4, 12]);
    const y = out.y!.data as Float32Array;
    // each softmax row of 3 sums to 1: every output row holds two rows, each repeated twice
    for (let r = 0; r < 4; r++) {
      const row = Array.from(y.subarray(r * 12, r * 12 + 12));
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 4) < 1e-5);
      assert.equal(row[0], row[1]);
    }
    assert.deepEqual(Array.from(out.z!.data as Float32Array).slice(0, 3), [-24, -22, -20]);
    assert.deepEqual(Array.from(out.c!.data as Float32Array).slice(11, 14), [-0.5, 0, 0.5]);
    assert.deepEqual(Array.from(out.k!.data as Float32Array), [0.5, 1.5, -2.25]);
    await session.release();
  });

  test('rejects an initializer whose data does not fill its dims', () => {
    assert.throws(
      () => encodeModel({ nodes: [], inputs: [], outputs: [], initializers: [{ name: 'w', dims: [2, 2], data: new Float32Array(3) }] }),
      /3 values for dims \[2, 2\]/,
    );
  });
});
