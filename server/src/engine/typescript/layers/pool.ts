// Pooling as TF.js does it: maxPooling/averagePooling 1d (always channels-last), 2d and 3d with
// poolSize defaulting to 2 and strides to poolSize, 'same' = ceil(in/stride); global pools
// collapse the spatial axes into [N, C].

import { adaptivePoolAxis, convAxis } from '../../geometry';
import {
  DATA_FORMATS,
  axesText,
  convOutputLength,
  fail,
  inputGeometry,
  layout,
  samePadBefore,
  shapeText,
  single,
  type ConfigReader,
  type DataFormat,
  type LayerResult,
  type TfLayerSpec,
} from './spec';

interface PoolConfig {
  rank: number;
  pool: number[];
  strides: number[];
  padding: 'same' | 'valid';
  dataFormat: DataFormat;
}

function readPool(c: ConfigReader, rank: number): PoolConfig {
  const pool = c.ints('poolSize', rank, 2);
  return {
    rank,
    pool,
    strides: c.ints('strides', rank, pool),
    padding: c.str('padding', 'valid', ['valid', 'same'] as const),
    // TF.js's 1-D pools have no data format: they are always channels-last.
    dataFormat: rank === 1 ? 'channelsLast' : c.str('dataFormat', 'channelsLast', DATA_FORMATS),
  };
}

function pool(rank: number, kind: 'Max' | 'Average'): TfLayerSpec<PoolConfig> {
  const className = `${kind}Pooling${rank}D`;
  return {
    className,
    configure: (c) => readPool(c, rank),
    apply(cfg, inputs): LayerResult {
      const x = single(className, inputs, rank + 2);
      const { spatial } = layout(rank + 2, cfg.dataFormat);
      const spatialIn = spatial.map((a) => x.shape[a]!);
      const spatialOut = spatialIn.map((n, i) => convOutputLength(n, cfg.pool[i]!, cfg.padding, cfg.strides[i]!));
      if (spatialOut.some((s) => s <= 0)) {
        fail('shape-mismatch', `${className}: the input ${shapeText(x.shape, x.batchSymbolic)} is smaller than the pool window ${axesText(cfg.pool)}`);
      }
      const out = [...x.shape];
      spatial.forEach((a, i) => (out[a] = spatialOut[i]!));
      const geometry = inputGeometry(x, rank).map((g, i) => convAxis(g, cfg.pool[i]!, cfg.strides[i]!));
      const padding = spatialIn.map((n, i) => (cfg.padding === 'same' ? samePadBefore(n, cfg.pool[i]!, cfg.strides[i]!) : 0));
      const parts = [`k=${axesText(cfg.pool)}`];
      if (cfg.strides.some((s, i) => s !== cfg.pool[i])) parts.push(`s=${axesText(cfg.strides)}`);
      parts.push(cfg.padding);
      return {
        outputs: [{ shape: out, geometry, batchSymbolic: x.batchSymbolic }],
        params: 0,
        macs: 0,
        geometry,
        window: { kernel: cfg.pool, stride: cfg.strides, padding, dilation: cfg.pool.map(() => 1) },
        args: parts.join(', '),
      };
    },
  };
}

function globalPool(rank: number, kind: 'Max' | 'Average'): TfLayerSpec<{ dataFormat: DataFormat }> {
  const className = `Global${kind}Pooling${rank}D`;
  return {
    className,
    configure: (c) => ({ dataFormat: rank === 1 ? 'channelsLast' : c.str('dataFormat', 'channelsLast', DATA_FORMATS) }),
    apply(cfg, inputs): LayerResult {
      const x = single(className, inputs, rank + 2);
      const { spatial, channel } = layout(rank + 2, cfg.dataFormat);
      const spatialIn = spatial.map((a) => x.shape[a]!);
      // The window is the whole input: rf grows by the input's extent, as an adaptive pool to 1.
      const geometry = inputGeometry(x, rank).map((g, i) => adaptivePoolAxis(g, spatialIn[i]!, 1));
      return {
        outputs: [{ shape: [x.shape[0]!, x.shape[channel]!], geometry: null, batchSymbolic: x.batchSymbolic }],
        params: 0,
        macs: 0,
        geometry,
        window: { kernel: spatialIn, stride: spatialIn, padding: spatialIn.map(() => 0), dilation: spatialIn.map(() => 1) },
        args: `${axesText(spatialIn)} → 1`,
      };
    },
  };
}

export const POOL_LAYERS: Record<string, TfLayerSpec> = {
  maxPooling1d: pool(1, 'Max'),
  maxPooling2d: pool(2, 'Max'),
  maxPooling3d: pool(3, 'Max'),
  maxPool1d: pool(1, 'Max'),
  maxPool2d: pool(2, 'Max'),
  averagePooling1d: pool(1, 'Average'),
  averagePooling2d: pool(2, 'Average'),
  averagePooling3d: pool(3, 'Average'),
  avgPool1d: pool(1, 'Average'),
  avgPool2d: pool(2, 'Average'),
  avgPool3d: pool(3, 'Average'),
  avgPooling1d: pool(1, 'Average'),
  avgPooling2d: pool(2, 'Average'),
  avgPooling3d: pool(3, 'Average'),
  globalAveragePooling1d: globalPool(1, 'Average'),
  globalAveragePooling2d: globalPool(2, 'Average'),
  globalMaxPooling1d: globalPool(1, 'Max'),
  globalMaxPooling2d: globalPool(2, 'Max'),
  globalMaxPool1d: globalPool(1, 'Max'),
  globalMaxPool2d: globalPool(2, 'Max'),
};
