// torch's parameter lists as scripts/golden/*.py record them (inspect.signature, or a builtin's
// documented signature line) and the comparison with a ConvLens signature string.

import { parseSignature } from './pyExpr';

export interface TorchParam {
  name: string;
  kind: 'POSITIONAL_OR_KEYWORD' | 'POSITIONAL_ONLY' | 'KEYWORD_ONLY' | 'VAR_POSITIONAL' | 'VAR_KEYWORD';
  /** The default when it is plain data (None, bool, int, float, str, a tuple of ints). */
  default?: unknown;
  /** The default's source text when it is not plain data (`torch.strided`). */
  default_repr?: string;
}

const KINDS: Record<TorchParam['kind'], string> = {
  POSITIONAL_OR_KEYWORD: 'normal',
  POSITIONAL_ONLY: 'normal',
  KEYWORD_ONLY: 'keywordOnly',
  VAR_POSITIONAL: 'varargs',
  VAR_KEYWORD: 'varkw',
};

/**
 * Where a ConvLens signature string and torch's parameter list differ: names, order, kinds and
 * plain defaults; null when they agree. A default torch holds as an object is compared by
 * presence only (ConvLens writes `None` for `memory_format=torch.preserve_format`: no op reads it).
 */
export function signatureDiff(ours: string, theirs: readonly TorchParam[]): string | null {
  const mine = parseSignature(ours).map((p) => `${p.name}:${p.kind}${p.default === undefined ? '' : `=${JSON.stringify(p.default)}`}`);
  const torch = theirs.map(
    (p) => `${p.name}:${KINDS[p.kind]}${'default' in p ? `=${JSON.stringify(p.default)}` : p.default_repr !== undefined ? '=?' : ''}`,
  );
  const same = mine.length === torch.length && mine.every((m, i) => (torch[i]!.endsWith('=?') ? m.startsWith(torch[i]!.slice(0, -1)) : m === torch[i]));
  return same ? null : `ours ${mine.join(', ')}\n      torch ${torch.join(', ')}`;
}
