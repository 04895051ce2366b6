// Sets of input sizes in words: "multiples of 32 from 32", "exactly 28", "25–56". The text states
// exactly the set within the sizes checked, never a pattern the sizes do not follow.

/** The set `valid` (ascending, within [lo, hi]) in words. */
export function describeSizes(valid: readonly number[], lo: number, hi: number): string {
  if (!valid.length) return 'none';
  const ranges = rangesOf(valid);
  if (ranges.length === 1) {
    const [a, b] = ranges[0]!;
    if (a === b) return `exactly ${a}`;
    if (b === hi && b - a >= 2) return a === lo ? `any size from ${lo}` : `any size from ${a}`;
    return b === a + 1 ? `${a} or ${b}` : `${a}–${b}`;
  }
  const periodic = periodicTail(valid, lo, hi);
  if (periodic) {
    const { period, start, residues } = periodic;
    const exceptions = valid.filter((n) => n < start);
    const tail = residueText(period, start, residues);
    return exceptions.length ? `${listText(exceptions.map(String))}, and ${tail}` : tail;
  }
  if (valid.length <= 4) return listText(valid.map(String));
  const shown = ranges.slice(0, 6).map(([a, b]) => (a === b ? String(a) : `${a}–${b}`));
  return ranges.length > 6 ? `${shown.join(', ')}, … (${valid.length} sizes)` : listText(shown);
}

/** The valid sizes nearest to `n`: n itself when valid, else the nearest below and above. */
export function nearestSizes(valid: readonly number[], n: number): number[] {
  if (valid.includes(n)) return [n];
  let below: number | null = null;
  let above: number | null = null;
  for (const v of valid) {
    if (v < n) below = v;
    else if (above === null) above = v;
  }
  return [below, above].filter((v): v is number => v !== null);
}

/** The one valid size nearest to `n` (the smaller on a tie), or null when none is. */
export function nearestSize(valid: readonly number[], n: number): number | null {
  const near = nearestSizes(valid, n);
  if (near.length < 2) return near[0] ?? null;
  return n - near[0]! <= near[1]! - n ? near[0]! : near[1]!;
}

/**
 * The size to analyse a guessed input at: `n` when valid; else, of the run of consecutive valid
 * sizes nearest to it, the one divisible by the highest power of 2 (networks halve their maps, and
 * such a size loses nothing to rounding down: 28 of MNIST's 28 or 29, 32 of a CIFAR net's 25–56),
 * nearest to n on a tie. Null when no size is valid.
 */
export function chooseSize(valid: readonly number[], n: number): number | null {
  const near = nearestSize(valid, n);
  if (near === null || near === n) return near;
  const run = rangesOf(valid).find(([a, b]) => a <= near && near <= b)!;
  let best = near;
  for (let k = run[0]; k <= run[1]; k++) {
    const better = twos(k) - twos(best) || Math.abs(best - n) - Math.abs(k - n);
    if (better > 0) best = k;
  }
  return best;
}

function twos(k: number): number {
  let t = 0;
  while (k % 2 === 0 && k > 0) {
    k /= 2;
    t++;
  }
  return t;
}

function rangesOf(sorted: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const n of sorted) {
    const last = out[out.length - 1];
    if (last && n === last[1] + 1) last[1] = n;
    else out.push([n, n]);
  }
  return out;
}

/**
 * The shortest period p and earliest start s such that, from s to hi, a size is valid exactly when
 * the size p above it is (where that is checked), with at least three whole periods checked from s
 * and s itself valid. Sizes below s that are valid are listed apart.
 */
function periodicTail(valid: readonly number[], lo: number, hi: number): { period: number; start: number; residues: number[] } | null {
  const isValid = new Uint8Array(hi + 2);
  for (const n of valid) isValid[n] = 1;
  let best: { period: number; start: number; residues: number[]; exceptions: number } | null = null;
  for (let p = 2; 3 * p <= hi - lo + 1; p++) {
    // The earliest start from which the tail repeats with period p: walk down from hi.
    let start = hi - p + 1;
    while (start - 1 >= lo && isValid[start - 1] === isValid[start - 1 + p]) start--;
    while (start <= hi && !isValid[start]) start++;
    if (hi - start + 1 < 3 * p) continue;
    const exceptions = valid.filter((n) => n < start).length;
    if (best && exceptions >= best.exceptions) continue;
    const residues: number[] = [];
    for (let n = start; n < start + p; n++) if (isValid[n]) residues.push(n % p);
    best = { period: p, start, residues: residues.sort((a, b) => a - b), exceptions };
    if (exceptions === 0) break;
  }
  return best && best.exceptions <= 4 ? best : null;
}

function residueText(p: number, start: number, residues: number[]): string {
  if (residues.length === 1 && residues[0] === 0) return `multiples of ${p} from ${start}`;
  if (residues.length === 1) return `${p}k+${residues[0]} from ${start}`;
  const ranges = rangesOf(residues).map(([a, b]) => (a === b ? String(a) : `${a}–${b}`));
  return `sizes whose remainder by ${p} is ${listText(ranges)}, from ${start}`;
}

function listText(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
