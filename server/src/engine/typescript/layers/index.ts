// The layer catalogue under `tf.layers`: factory name → spec. Layers TF.js has but ConvLens does
// not model (preprocessing, the ConvLSTM2D cell) still make layer objects, whose output is
// unknown with that reason, so a model that uses one is reported up to it.

import { CONV_LAYERS } from './conv';
import { CORE_LAYERS } from './core';
import { MERGE_NORM_LAYERS } from './mergeNorm';
import { POOL_LAYERS } from './pool';
import { RECURRENT_LAYERS } from './recurrent';
import { ConfigUnknown, type TfLayerSpec } from './spec';

const MODELLED: Record<string, TfLayerSpec> = { ...CONV_LAYERS, ...POOL_LAYERS, ...CORE_LAYERS, ...MERGE_NORM_LAYERS, ...RECURRENT_LAYERS };

/** Factories TF.js has that ConvLens does not model, with the class name TF.js reports. */
const UNMODELLED: Record<string, string> = {
  convLstm2dCell: 'ConvLSTM2DCell', rescaling: 'Rescaling', centerCrop: 'CenterCrop', resizing: 'Resizing',
  categoryEncoding: 'CategoryEncoding', randomWidth: 'RandomWidth',
};

/** A layer ConvLens does not model: the layer is made (so it is reported, in its place), its
 *  output is unknown for this reason. */
export function unmodelledSpec(className: string, reason: string): TfLayerSpec<null> {
  return {
    className,
    unmodelled: reason,
    configure: () => {
      throw new ConfigUnknown(reason);
    },
    apply: () => {
      throw new ConfigUnknown(reason);
    },
  };
}

const ALL: Record<string, TfLayerSpec> = { ...MODELLED };
for (const [factory, className] of Object.entries(UNMODELLED)) {
  if (!Object.hasOwn(ALL, factory)) ALL[factory] = unmodelledSpec(className, `tf.layers.${factory} (${className}) is not modelled by ConvLens`) as TfLayerSpec;
}

/** Names under `tf.layers` that the runtime answers itself: `tf.layers.input` is `tf.input`,
 *  `inputLayer` declares a sequential model's input; `Layer`, `RNN`, `RNNCell` are the classes
 *  custom layers extend. */
export const RUNTIME_LAYER_NAMES = ['input', 'inputLayer', 'Layer', 'RNN', 'RNNCell'] as const;

/** The spec behind `tf.layers.<factory>`, or null for a name TF.js does not have. */
export function layerSpec(factory: string): TfLayerSpec | null {
  return Object.hasOwn(ALL, factory) ? ALL[factory]! : null;
}

export function layerFactories(): string[] {
  return Object.keys(ALL);
}
