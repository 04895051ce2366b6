// Number formatting shared by the human-facing formats (table, markdown).

const UNITS = ['', 'K', 'M', 'G', 'T', 'P', 'E'];

/** Three significant digits, trailing zeros dropped: 2.50 → "2.5", 118.0 → "118". */
function threeSignificant(value: number): string {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  const text = value.toFixed(digits);
  return digits === 0 ? text : text.replace(/\.?0+$/, '');
}

/** A count in human units with three significant digits: 950 → "950", 1200 → "1.2K",
 *  25557032 → "25.6M", 4089184256 → "4.09G". */
export function humanCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  let value = Math.abs(n);
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

/** 25557032 → "25,557,032". */
export function groupThousands(n: number): string {
  if (!Number.isFinite(n) || !Number.isInteger(n)) return String(n);
  const digits = String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (n < 0 ? '-' : '') + digits;
}

/** MACs in units of 10⁹, as torchvision publishes them ("4.09"); small models keep three
 *  significant digits instead of rounding to "0.00". */
export function gigaMacs(macs: number): string {
  const g = macs / 1e9;
  if (g === 0) return '0';
  if (Math.abs(g) >= 0.01) return g.toFixed(2);
  return g.toPrecision(3).replace(/\.?0+$/, '');
}
