// nn.Embedding and F.embedding: integer indices of any shape → shape + [embedding_dim].

import { ArgReader, formatShape, invalid, makeTensor } from './layerArgs';
import { OpError, type ModuleSpec, type OpArgs, type OpResult, type Tensor } from './types';

export interface EmbeddingConfig {
  numEmbeddings: number;
  embeddingDim: number;
  paddingIdx: number | null;
}

function embeddingForward(input: Tensor, embeddingDim: number): OpResult {
  return { value: makeTensor([...input.shape, embeddingDim], null), macs: 0 };
}

export const embeddingModule: ModuleSpec<EmbeddingConfig> = {
  name: 'Embedding',
  signature:
    'num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False, _weight=None, device=None, dtype=None',
  build: (args) => {
    const r = new ArgReader('Embedding', args);
    const numEmbeddings = r.int('num_embeddings');
    const embeddingDim = r.int('embedding_dim');
    const paddingIdx = r.optionalInt('padding_idx');
    if (numEmbeddings < 0 || embeddingDim < 0) throw invalid(`Embedding: sizes must not be negative (${numEmbeddings}, ${embeddingDim})`);
    if (paddingIdx !== null && (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings)) {
      throw invalid(`Embedding: padding_idx must be within num_embeddings (padding_idx=${paddingIdx}, num_embeddings=${numEmbeddings})`);
    }
    const weight = r.optionalTensor('_weight');
    if (weight && (weight.shape.length !== 2 || weight.shape[0] !== numEmbeddings || weight.shape[1] !== embeddingDim)) {
      throw new OpError('shape-mismatch', `Embedding: Shape of weight does not match num_embeddings and embedding_dim (_weight of shape ${formatShape(weight.shape)}, ${numEmbeddings}×${embeddingDim} expected)`);
    }
    return { numEmbeddings, embeddingDim, paddingIdx };
  },
  params: (c) => c.numEmbeddings * c.embeddingDim,
  forwardSignature: 'input',
  forward: (c, args) => embeddingForward(new ArgReader('Embedding', args).tensor('input'), c.embeddingDim),
  describe: (c) => `${c.numEmbeddings}×${c.embeddingDim}`,
};

/** F.embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False) */
export function functionalEmbedding(args: OpArgs): OpResult {
  const r = new ArgReader('F.embedding', args);
  const weight = r.tensor('weight');
  if (weight.shape.length !== 2) {
    throw new OpError('shape-mismatch', `F.embedding expects a 2D weight [num_embeddings, embedding_dim], got shape ${formatShape(weight.shape)}`);
  }
  return embeddingForward(r.tensor('input'), weight.shape[1]!);
}
