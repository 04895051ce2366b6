// A small ResNet for CIFAR-10: residual blocks made by a helper, stages in a loop, projection
// shortcuts where the shape changes.
import * as tf from '@tensorflow/tfjs';

interface StageSpec {
  filters: number;
  blocks: number;
  stride: number;
}

const STAGES: StageSpec[] = [
  { filters: 16, blocks: 2, stride: 1 },
  { filters: 32, blocks: 2, stride: 2 },
  { filters: 64, blocks: 2, stride: 2 },
];

const conv3x3 = (filters: number, strides = 1) =>
  tf.layers.conv2d({ filters, kernelSize: 3, strides, padding: 'same', useBias: false, kernelInitializer: 'heNormal' });

function residualBlock(x: tf.SymbolicTensor, filters: number, stride: number): tf.SymbolicTensor {
  const inChannels = x.shape[x.shape.length - 1] as number;
  let y = conv3x3(filters, stride).apply(x) as tf.SymbolicTensor;
  y = tf.layers.batchNormalization({ momentum: 0.9 }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.reLU().apply(y) as tf.SymbolicTensor;
  y = conv3x3(filters).apply(y) as tf.SymbolicTensor;
  y = tf.layers.batchNormalization({ momentum: 0.9 }).apply(y) as tf.SymbolicTensor;
  let shortcut = x;
  if (stride !== 1 || inChannels !== filters) {
    shortcut = tf.layers.conv2d({ filters, kernelSize: 1, strides: stride, useBias: false }).apply(x) as tf.SymbolicTensor;
    shortcut = tf.layers.batchNormalization().apply(shortcut) as tf.SymbolicTensor;
  }
  const sum = tf.layers.add().apply([y, shortcut]) as tf.SymbolicTensor;
  return tf.layers.reLU().apply(sum) as tf.SymbolicTensor;
}

export function resnet(numClasses = 10): tf.LayersModel {
  const input = tf.input({ shape: [32, 32, 3], name: 'image' });
  let x = tf.layers.zeroPadding2d({ padding: [[1, 1], [1, 1]] }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 16, kernelSize: 3, useBias: false }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
  for (const { filters, blocks, stride } of STAGES) {
    for (let b = 0; b < blocks; b++) {
      x = residualBlock(x, filters, b === 0 ? stride : 1);
    }
  }
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: numClasses }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: 'resnet20ish' });
}
