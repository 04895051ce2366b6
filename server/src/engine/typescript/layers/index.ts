// The layer catalogue under `tf.layers`: factory name → spec. Layers TF.js has but ConvLens does
// not model (recurrent layers, wrappers, preprocessing) still make layer objects, whose output is
// unknown with that reason, so a model that uses one is reported up to it.

import { CONV_LAYERS } from './conv';
import { CORE_LAYERS } from './core';
import { MERGE_NORM_LAYERS } from './mergeNorm';
import { POOL_LAYERS } from './pool';
import { ConfigUnknown, type TfLayerSpec } from './spec';

const MODELLED: Record<string, TfLayerSpec> = { ...CONV_LAYERS, ...POOL_LAYERS, ...CORE_LAYERS, ...MERGE_NORM_LAYERS };

const UNMODELLED = [
  'dot', 'gru', 'gruCell', 'lstm', 'lstmCell', 'simpleRNN', 'simpleRNNCell', 'convLstm2d', 'convLstm2dCell', 'rnn',
  'stackedRNNCells', 'bidirectional', 'timeDistributed', 'rescaling', 'centerCrop', 'resizing', 'categoryEncoding',
  'randomWidth',
];

function unmodelled(factory: string): TfLayerSpec<null> {
  return {
    className: factory.charAt(0).toUpperCase() + factory.slice(1),
    configure: () => {
      throw new ConfigUnknown(`tf.layers.${factory} is not modelled by ConvLens`);
    },
    apply: () => {
      throw new ConfigUnknown(`tf.layers.${factory} is not modelled by ConvLens`);
    },
  };
}

const ALL: Record<string, TfLayerSpec> = { ...MODELLED, ...Object.fromEntries(UNMODELLED.map((f) => [f, unmodelled(f) as TfLayerSpec])) };

/** The spec behind `tf.layers.<factory>`, or null for a name TF.js does not have. */
export function layerSpec(factory: string): TfLayerSpec | null {
  return Object.hasOwn(ALL, factory) ? ALL[factory]! : null;
}

export function layerFactories(): string[] {
  return Object.keys(ALL);
}
