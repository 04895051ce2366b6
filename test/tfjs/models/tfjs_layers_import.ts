// The layers package on its own (with tfjs-core), under another name.
import * as tfl from '@tensorflow/tfjs-layers';

export function mlp(): tfl.Sequential {
  const model = tfl.sequential();
  model.add(tfl.layers.dense({ inputShape: [13], units: 64, activation: 'relu' }));
  model.add(tfl.layers.dropout({ rate: 0.2 }));
  model.add(tfl.layers.dense({ units: 32, activation: 'relu' }));
  model.add(tfl.layers.dense({ units: 3, activation: 'softmax' }));
  return model;
}
