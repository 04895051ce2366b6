// The arithmetic of the two checkerboard fixes for a transposed convolution, per spatial axis.
//
// Output length of ConvTranspose: out = (in − 1)·s − 2p + d·(k − 1) + op + 1.
// Overlap is even exactly when k is divisible by s (d = 1; DESIGN.md, "Overlap").

export interface AxisConfig {
  in: number;
  out: number;
  kernel: number;
  stride: number;
  padding: number;
  dilation: number;
}

export function outputPadding(a: AxisConfig): number {
  return a.out - ((a.in - 1) * a.stride - 2 * a.padding + a.dilation * (a.kernel - 1) + 1);
}

export interface KernelFixAxis {
  kernel: number;
  padding: number;
  outputPadding: number;
}

/**
 * A kernel divisible by the stride, with padding and output_padding chosen so that the output
 * length is unchanged for every input length: 2p' − op' = 2p − op + (K − k). The nearest
 * multiple above k is tried first (it keeps the receptive field), then the one below.
 */
export function kernelFixAxis(a: AxisConfig): KernelFixAxis | null {
  if (a.dilation !== 1 || a.stride < 1) return null;
  const op = outputPadding(a);
  if (op < 0) return null;
  const s = a.stride;
  const candidates = [Math.ceil(a.kernel / s) * s, Math.floor(a.kernel / s) * s].filter((K, i, all) => K >= s && all.indexOf(K) === i);
  for (const K of candidates) {
    const v = 2 * a.padding - op + (K - a.kernel);
    const padding = v >= 0 ? Math.ceil(v / 2) : 0;
    const newOp = 2 * padding - v;
    // PyTorch requires output_padding < max(stride, dilation).
    if (newOp >= 0 && newOp < Math.max(s, a.dilation)) return { kernel: K, padding, outputPadding: newOp };
  }
  return null;
}

export interface ResizeConvAxis {
  scale: number;
  kernel: number;
  padding: number;
}

/**
 * Nearest up-sampling by s, then a stride-1 convolution with symmetric padding whose output
 * length equals the transposed convolution's: in·s + 2P − (K − 1) = out for every in, i.e.
 * 2P = δ + K − 1 with δ = out − in·s = k + op − s − 2p. A 3×3 convolution when it fits.
 */
export function resizeConvAxis(a: AxisConfig): ResizeConvAxis | null {
  if (a.dilation !== 1) return null;
  const op = outputPadding(a);
  const delta = a.kernel + op - a.stride - 2 * a.padding;
  if (a.out - a.in * a.stride !== delta) return null;
  // 3×3 first (the usual choice), then the nearest sizes that make the padding whole and ≥ 0.
  const sizes = [3, 4, 5, 2, 1];
  for (let K = 6; K <= Math.max(6, 2 - delta); K++) sizes.push(K);
  for (const K of sizes) {
    const twice = delta + K - 1;
    if (twice >= 0 && twice % 2 === 0) return { scale: a.stride, kernel: K, padding: twice / 2 };
  }
  return null;
}

/** Per-axis configs from a layer's report (spatial axes are the trailing dims). */
export function axisConfigs(layer: {
  in: number[][];
  out: number[][];
  kernel?: number[];
  stride?: number[];
  padding?: number[];
  dilation?: number[];
}): AxisConfig[] | null {
  const { kernel, stride, padding, dilation } = layer;
  const input = layer.in[0];
  const output = layer.out[0];
  if (!kernel || !stride || !padding || !input || !output) return null;
  const n = kernel.length;
  if (stride.length !== n || padding.length !== n || input.length < n || output.length !== input.length) return null;
  const axes: AxisConfig[] = [];
  for (let i = 0; i < n; i++) {
    const dim = input.length - n + i;
    axes.push({ in: input[dim], out: output[dim], kernel: kernel[i], stride: stride[i], padding: padding[i], dilation: dilation?.[i] ?? 1 });
  }
  return axes;
}
