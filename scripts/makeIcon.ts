// Draws the extension icon (media/icon.png, 128×128 RGBA) from code, so it needs no image tools
// and no downloads: a checkerboard of kernel-tap counts (what a 3×3 stride-2 transposed
// convolution paints: 1, 2 or 4 taps per pixel) under a lens. PNG encoding is the minimal
// subset: one IHDR, one zlib IDAT with filter 0 on every row, IEND.
//
// usage: node --import tsx scripts/makeIcon.ts [out.png]

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SUPERSAMPLE = 4;

type RGBA = [number, number, number, number];

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), Buffer.from(data)]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bits per channel
  ihdr[9] = 6; // colour type RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array())]);
}

/** The colour of the icon at a point in [0, SIZE)², before anti-aliasing. */
function shade(x: number, y: number): RGBA {
  const transparent: RGBA = [0, 0, 0, 0];
  // Rounded square background.
  const r = 22;
  const cx = Math.min(Math.max(x, r), SIZE - r);
  const cy = Math.min(Math.max(y, r), SIZE - r);
  if ((x - cx) ** 2 + (y - cy) ** 2 > r * r) return transparent;

  // Lens: a ring centred upper right, with a handle towards the lower right.
  const lx = 74;
  const ly = 52;
  const d = Math.hypot(x - lx, y - ly);
  const ring: RGBA = [245, 247, 250, 255];
  if (d >= 30 && d <= 38) return ring;
  // Handle: a thick segment from the ring outwards at 45°.
  const t = ((x - lx) + (y - ly)) / Math.SQRT2;
  const off = Math.abs((x - lx) - (y - ly)) / Math.SQRT2;
  if (t > 36 && t < 66 && off < 6.5) return ring;

  // Tap-count checkerboard (k=3, s=2: taps [1, 2] per axis → 1, 2, 4 per pixel), in 12-px cells.
  const cell = 12;
  const i = Math.floor((x - 10) / cell);
  const j = Math.floor((y - 10) / cell);
  const inGrid = x >= 10 && y >= 10 && i < 9 && j < 9;
  let taps = 0;
  if (inGrid) taps = (1 + (i % 2)) * (1 + (j % 2));
  const insideLens = d < 30;
  // Inside the lens the cells are bright (magnified, seen clearly); outside they are dim.
  const palette: Record<number, RGBA> = insideLens
    ? { 1: [38, 86, 120, 255], 2: [42, 157, 143, 255], 4: [233, 196, 106, 255] }
    : { 1: [30, 52, 74, 255], 2: [34, 84, 96, 255], 4: [92, 96, 84, 255] };
  if (taps) {
    const gx = (x - 10) % cell;
    const gy = (y - 10) % cell;
    if (gx >= 1 && gy >= 1) return palette[taps];
  }
  return insideLens ? [28, 44, 64, 255] : [22, 32, 48, 255];
}

export function drawIcon(): Uint8Array {
  const out = new Uint8Array(SIZE * SIZE * 4);
  const n = SUPERSAMPLE * SUPERSAMPLE;
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      // Average premultiplied samples so edges against transparency stay clean.
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const c = shade(x + (sx + 0.5) / SUPERSAMPLE, y + (sy + 0.5) / SUPERSAMPLE);
          const alpha = c[3] / 255;
          r += c[0] * alpha;
          g += c[1] * alpha;
          b += c[2] * alpha;
          a += alpha;
        }
      }
      const o = (y * SIZE + x) * 4;
      out[o] = a ? Math.round(r / a) : 0;
      out[o + 1] = a ? Math.round(g / a) : 0;
      out[o + 2] = a ? Math.round(b / a) : 0;
      out[o + 3] = Math.round((a / n) * 255);
    }
  }
  return out;
}

const target = process.argv[2] ?? 'media/icon.png';
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, encodePng(SIZE, SIZE, drawIcon()));
console.log(`wrote ${target}`);
