// Number formatting shared by the human-facing formats (table, markdown).

const UNITS = ['', 'K', 'M', 'G', 'T', 'P', 'E'];

/** Three significant digits, trailing zeros dropped: 2.50 → "2.5", 118.0 → "118". */
function threeSignificant(value: number): string {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  const text = value.toFixed(digits);
  return digits === 0 ? text : text.replace(/\.?0+$/, '');
}

/** Three significant digits in scientific notation, as people write it: 1.53e+24 → "1.53e24". */
function scientific(value: number): string {
  const [mantissa, exponent] = value.toExponential(2).split('e');
  return `${mantissa!.replace(/\.?0+$/, '')}e${Number(exponent)}`;
}

/** Past the largest unit (E, 10¹⁸), counts are written 1.53e24. */
const LARGEST_UNIT_LIMIT = 999.5e18;

/** A count in human units with three significant digits: 950 → "950", 1200 → "1.2K",
 *  25557032 → "25.6M", 4089184256 → "4.09G"; past the exa range, 1.53e24. */
export function humanCount(count: number | bigint): string {
  const n = Number(count);
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  let value = Math.abs(n);
  if (value >= LARGEST_UNIT_LIMIT) return sign + scientific(value);
  if (value < 1000) return sign + (Number.isInteger(value) ? String(value) : threeSignificant(value));
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  // 999,960 is 999.96K before rounding and "1000K" after: promote it to "1M".
  if (Number(threeSignificant(value)) >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return sign + threeSignificant(value) + UNITS[unit];
}

/** 25557032 → "25,557,032". A bigint is written exactly, however long; a number past 2^53 is
 *  not an exact count any more, so it is never dressed up as one: 1.53e24. */
export function groupThousands(n: number | bigint): string {
  if (typeof n === 'number') {
    if (!Number.isFinite(n) || !Number.isInteger(n)) return String(n);
    if (!Number.isSafeInteger(n)) return scientific(n);
  }
  const text = String(n);
  const negative = text.startsWith('-');
  const digits = (negative ? text.slice(1) : text).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (negative ? '-' : '') + digits;
}

/** MACs in units of 10⁹, as torchvision publishes them ("4.09"); small models keep three
 *  significant digits instead of rounding to "0.00". */
export function gigaMacs(macs: number | bigint): string {
  const g = Number(macs) / 1e9;
  if (g === 0) return '0';
  if (Math.abs(g) >= 1e15) return scientific(g);
  if (Math.abs(g) >= 0.01) return g.toFixed(2);
  return g.toPrecision(3).replace(/\.?0+$/, '');
}

/** Bytes in decimal units, as torchinfo counts them (1 KB = 1,000 B): 36864 → "36.9KB". */
export function humanBytes(bytes: number): string {
  return `${humanCount(bytes)}B`;
}

/** Bytes as megabytes (10⁶, torchinfo's MB) with two decimals; small sizes keep three
 *  significant digits instead of "0.00". */
export function megabytes(bytes: number): string {
  const mb = bytes / 1e6;
  if (mb === 0) return '0';
  if (mb >= 0.01) return mb.toFixed(2);
  return mb.toPrecision(3).replace(/\.?0+$/, '');
}
