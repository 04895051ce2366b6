// A seeded pseudo-random generator (mulberry32) for generated inputs that must be the same on
// every run and every machine: mutation tests and the benchmark's generated model.

export type Random = () => number;

export function prng(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n). */
export const randomInt = (random: Random, n: number): number => Math.floor(random() * n);

export const pick = <T>(random: Random, items: readonly T[]): T => items[randomInt(random, items.length)];
