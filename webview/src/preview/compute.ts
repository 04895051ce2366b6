// Runs the variants of a preview: all of them in one graph and one run (onnx/setGraph.ts), with
// their weights and input picture; then scores each output for a checkerboard.

import { checkerboardScore, type CheckerboardResult } from '../analysis/checkerboard';
import { INPUT_NAME, chainInputDims, chainModel, chainParameters } from '../onnx/chainGraph';
import { setInputName, setMemberName, setModel, setOutputName } from '../onnx/setGraph';
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

/** The session key of a set of chains (the one graph of a preview). */
export const setKey = (chains: readonly Chain[]): string => `[${chains.map(chainKey).join(',')}]`;

/**
 * The last few input pictures, by kind, channels, size and seed (all makeInput depends on): the
 * variants of a preview share one, and so do the layers of a model with the same input size —
 * drawing a natural-looking image takes milliseconds, and fresh memory costs page faults. Feeds
 * are only read (copied into the runtime's heap), never written.
 */
const INPUT_CACHE_SIZE = 4;
const inputCache = new Map<string, Float32Array>();

function cachedInput(kind: InputKind, channels: number, size: readonly [number, number], seed: number): Float32Array {
  const key = `${kind}/${channels}/${size[0]}x${size[1]}/${seed}`;
  let data = inputCache.get(key);
  if (data) inputCache.delete(key);
  else data = makeInput(kind, channels, [size[0], size[1]], seed);
  inputCache.set(key, data);
  while (inputCache.size > INPUT_CACHE_SIZE) inputCache.delete(inputCache.keys().next().value!);
  return data;
}

export function chainFeeds(chain: Chain, variantId: string, options: Pick<RunOptions, 'input' | 'weights' | 'seed'>): Record<string, Feed> {
  const feeds: Record<string, Feed> = {};
  const dims = chainInputDims(chain);
  feeds[INPUT_NAME] = { data: cachedInput(options.input, chain.inChannels, chain.inSize, options.seed), dims };
  const weights = chainWeights(chain, options.weights, options.seed, variantId);
  for (const p of chainParameters(chain)) feeds[p.name] = { data: weights.get(p.name)!, dims: p.dims };
  return feeds;
}

/** The feeds of the set graph: each variant's own weights (drawn as for that variant alone), and
 *  one input picture per input size. */
export function setFeeds(variants: readonly Pick<VariantPlan, 'id' | 'chain'>[], options: Pick<RunOptions, 'input' | 'weights' | 'seed'>): Record<string, Feed> {
  const feeds: Record<string, Feed> = {};
  variants.forEach((variant, index) => {
    for (const [name, feed] of Object.entries(chainFeeds(variant.chain, variant.id, options))) {
      if (name === INPUT_NAME) feeds[setInputName(feed.dims)] ??= feed;
      else feeds[setMemberName(index, name)] = feed;
    }
  });
  return feeds;
}

/**
 * The last few feed sets, by graph and controls: moving the cursor back to a layer reuses its
 * pictures and weights (drawing a natural-looking image takes milliseconds) instead of making
 * them again.
 */
const FEED_CACHE_SIZE = 8;
const feedCache = new Map<string, Record<string, Feed>>();

function cachedSetFeeds(key: string, variants: readonly VariantPlan[], options: Pick<RunOptions, 'input' | 'weights' | 'seed'>): Record<string, Feed> {
  // Weights depend on the variant ids too (their seeds are drawn per id).
  const cacheKey = JSON.stringify([key, variants.map((v) => v.id), options.input, options.weights, options.seed]);
  let feeds = feedCache.get(cacheKey);
  if (feeds) feedCache.delete(cacheKey);
  else feeds = setFeeds(variants, options);
  feedCache.set(cacheKey, feeds);
  while (feedCache.size > FEED_CACHE_SIZE) feedCache.delete(feedCache.keys().next().value!);
  return feeds;
}

function scored(variant: VariantPlan, result: RunResult): VariantRun {
  // The reduced chain ends with one channel; score and show that plane.
  return { variant, result, checkerboard: checkerboardScore(result.data, variant.outSize, variant.period, variant.margin) };
}

/** One variant on its own graph (tests compare it with the set graph). */
export async function runVariant(runtime: PreviewRuntime, variant: VariantPlan, options: RunOptions): Promise<VariantRun> {
  const chain = variant.chain;
  const result = await runtime.run(chainKey(chain), () => chainModel(chain), chainFeeds(chain, variant.id, options), options.backend);
  return scored(variant, result);
}

/** Every variant of a preview in one run of one graph, in the plan's order. */
export async function runVariants(runtime: PreviewRuntime, variants: readonly VariantPlan[], options: RunOptions): Promise<VariantRun[]> {
  if (!variants.length) return [];
  const chains = variants.map((v) => v.chain);
  const key = setKey(chains);
  const set = await runtime.runSet(key, () => setModel(chains), cachedSetFeeds(key, variants, options), options.backend);
  return variants.map((variant, index) => {
    const output = set.outputs.get(setOutputName(index));
    if (!output) throw new Error(`the preview graph has no output for ${variant.id}`);
    // The run's time is shared by all variants; each reports it.
    return scored(variant, { ...output, backend: set.backend, sessionMs: set.sessionMs, runMs: set.runMs });
  });
}
