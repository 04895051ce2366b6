// Runs one variant of a preview: its graph, its weights and input picture, on the runtime; then
// scores the output for a checkerboard.

import { checkerboardScore, type CheckerboardResult } from '../analysis/checkerboard';
import { INPUT_NAME, chainInputDims, chainModel, chainParameters } from '../onnx/chainGraph';
import type { BackendSetting } from '../protocol/messages';
import type { Feed, PreviewRuntime, RunResult } from '../runtime/ortRuntime';
import { makeInput, type InputKind } from './inputs';
import type { VariantPlan } from './plan';
import type { Chain } from './steps';
import { chainWeights, type WeightMode } from './weights';

export interface RunOptions {
  input: InputKind;
  weights: WeightMode;
  seed: number;
  backend: BackendSetting;
}

export interface VariantRun {
  variant: VariantPlan;
  result: RunResult;
  checkerboard: CheckerboardResult | null;
}

/** Sessions depend on the graph's structure and sizes only, not on how weights are drawn. */
export function chainKey(chain: Chain): string {
  return JSON.stringify(chain, (key, value: unknown) => (key === 'init' ? undefined : value));
}

export function chainFeeds(chain: Chain, variantId: string, options: Pick<RunOptions, 'input' | 'weights' | 'seed'>): Record<string, Feed> {
  const feeds: Record<string, Feed> = {};
  const dims = chainInputDims(chain);
  feeds[INPUT_NAME] = { data: makeInput(options.input, chain.inChannels, chain.inSize, options.seed), dims };
  const weights = chainWeights(chain, options.weights, options.seed, variantId);
  for (const p of chainParameters(chain)) feeds[p.name] = { data: weights.get(p.name)!, dims: p.dims };
  return feeds;
}

export async function runVariant(runtime: PreviewRuntime, variant: VariantPlan, options: RunOptions): Promise<VariantRun> {
  const chain = variant.chain;
  const result = await runtime.run(chainKey(chain), () => chainModel(chain), chainFeeds(chain, variant.id, options), options.backend);
  // The reduced chain ends with one channel; score and show that plane.
  const checkerboard = checkerboardScore(result.data, variant.outSize, variant.period, variant.margin);
  return { variant, result, checkerboard };
}
