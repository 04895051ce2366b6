// All the variants of one preview as ONE ONNX graph with one output per variant, so that a cursor
// move costs one `run()`: onnxruntime-web pays a fixed cost per run in its JavaScript (tensors
// marshalled in and out, a fresh output array each time), whatever the graph. Each variant's chain
// is built exactly as on its own (chainGraph) and its names are prefixed; variants whose input
// tensor has the same dimensions share one graph input, since the preview feeds them the same
// picture (makeInput depends on the kind, the channels, the size and the seed only).

import type { Chain } from '../preview/steps';
import { INPUT_NAME, OUTPUT_NAME, chainGraph, chainInputDims } from './chainGraph';
import { encodeModel, type OnnxGraph, type OnnxInitializer, type OnnxNode, type OnnxValueInfo } from './modelProto';

/** The graph input shared by every variant whose input has these dimensions. */
export const setInputName = (dims: readonly number[]): string => `${INPUT_NAME}_${dims.join('x')}`;
/** The graph input or output of variant `index` that its own chain graph calls `name`. */
export const setMemberName = (index: number, name: string): string => `v${index}_${name}`;
/** The output of variant `index`. */
export const setOutputName = (index: number): string => setMemberName(index, OUTPUT_NAME);

function renamer(index: number, chain: Chain): (name: string) => string {
  const input = setInputName(chainInputDims(chain));
  // '' marks an omitted optional input (Resize's roi): it stays empty.
  return (name) => (name === '' ? '' : name === INPUT_NAME ? input : setMemberName(index, name));
}

export function setGraph(chains: readonly Chain[]): OnnxGraph {
  const nodes: OnnxNode[] = [];
  const initializers: OnnxInitializer[] = [];
  const inputs = new Map<string, OnnxValueInfo>();
  const outputs: OnnxValueInfo[] = [];
  chains.forEach((chain, index) => {
    const graph = chainGraph(chain);
    const rename = renamer(index, chain);
    for (const node of graph.nodes) {
      nodes.push({ ...node, name: node.name === undefined ? undefined : rename(node.name), inputs: node.inputs.map(rename), outputs: node.outputs.map(rename) });
    }
    for (const init of graph.initializers ?? []) initializers.push({ ...init, name: rename(init.name) });
    for (const input of graph.inputs) {
      const name = rename(input.name);
      if (!inputs.has(name)) inputs.set(name, { ...input, name });
    }
    for (const output of graph.outputs) outputs.push({ ...output, name: rename(output.name) });
  });
  return { name: 'convlens_preview_set', nodes, initializers, inputs: [...inputs.values()], outputs };
}

export function setModel(chains: readonly Chain[]): Uint8Array {
  return encodeModel(setGraph(chains), { producerName: 'convlens-preview' });
}
