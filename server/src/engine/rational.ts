// Exact fractions for jump and receptive field: after up-sampling they are fractions such as
// 47/8 or 240/31, and comparing them as floats would drift across a deep stack.

export interface Rational {
  readonly num: number;
  readonly den: number;
}

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) {
    const r = a % b;
    a = b;
    b = r;
  }
  return a;
}

export function rational(num: number, den = 1): Rational {
  if (!Number.isInteger(num) || !Number.isInteger(den) || den === 0) {
    throw new RangeError(`not a fraction: ${num}/${den}`);
  }
  // Whole numbers (most jumps and receptive fields) are already in lowest terms.
  if (den === 1) return { num, den: 1 };
  if (den < 0) {
    num = -num;
    den = -den;
  }
  const g = gcd(num, den) || 1;
  return { num: num / g, den: den / g };
}

export const ONE = rational(1);

export const add = (a: Rational, b: Rational): Rational => rational(a.num * b.den + b.num * a.den, a.den * b.den);
export const sub = (a: Rational, b: Rational): Rational => rational(a.num * b.den - b.num * a.den, a.den * b.den);
export const mul = (a: Rational, b: Rational): Rational => rational(a.num * b.num, a.den * b.den);
export const div = (a: Rational, b: Rational): Rational => rational(a.num * b.den, a.den * b.num);
export const compare = (a: Rational, b: Rational): number => a.num * b.den - b.num * a.den;
export const max = (a: Rational, b: Rational): Rational => (compare(a, b) >= 0 ? a : b);
export const equals = (a: Rational, b: Rational): boolean => a.num === b.num && a.den === b.den;
export const toNumber = (a: Rational): number => a.num / a.den;
/** "47/8", or "3" for integers. */
export const format = (a: Rational): string => (a.den === 1 ? String(a.num) : `${a.num}/${a.den}`);

export function parse(text: string | number): Rational {
  if (typeof text === 'number') return rational(text);
  const [n, d] = text.split('/');
  return rational(Number(n), d === undefined ? 1 : Number(d));
}
