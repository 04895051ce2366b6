// The panel's DOM. Stable ids and data attributes are part of the contract with the end-to-end
// tests: #convlens-preview carries data-state (idle | running | done | error), data-backend
// (webgpu | wasm), data-request-id, data-run-ms, data-session-ms; each variant is an
// article#variant-<id> with data-score, holding canvas#heatmap-<id>, #profile-<id>, #spectrum-<id>.
// A heatmap's data-source says who painted it last: 'engine' (the layer's overlap map, before the
// runtime) or 'runtime'; data-painted-at and data-engine-painted-at are performance.now() times,
// data-engine-frame-at the end of the first frame's rendering after the overlap map was painted. A canvas
// with data-stale still holds the previous layer's picture and is hidden.
//
// The control bar uses @vscode-elements tags; their definitions come with the controls script
// (controlsEntry.ts), loaded after the first picture.

import { INPUT_KINDS, type InputKind } from '../preview/inputs';
import type { Pair } from '../preview/steps';
import type { WeightMode } from '../preview/weights';
import { legendGradient } from '../render/plots';
import { VIEWPORT_CSS_PX, defaultZoom, heatView } from '../render/zoom';

export interface Controls {
  input: InputKind;
  weights: WeightMode;
  inputSize: 'model' | number;
  seed: number;
}

export const DEFAULT_CONTROLS: Controls = { input: 'constant', weights: 'ones', inputSize: 'model', seed: 0 };

const INPUT_LABELS: Record<InputKind, string> = {
  constant: 'Constant (overlap map)',
  impulse: 'Impulse',
  checkerboard: 'Checkerboard',
  ramp: 'Ramp',
  noise: 'Seeded noise',
  image: 'Natural-looking image',
};

const SIZE_CHOICES = ['model', '8', '16', '32', '64', '128', '256'] as const;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function select(id: string, label: string, options: [string, string][], value: string, onChange: (v: string) => void): HTMLElement {
  const wrap = el('div', { class: 'control' });
  const lab = document.createElement('vscode-label');
  lab.setAttribute('for', id);
  lab.textContent = label;
  const sel = document.createElement('vscode-single-select') as HTMLElement & { value: string };
  sel.id = id;
  for (const [v, text] of options) {
    const opt = document.createElement('vscode-option') as HTMLElement & { value: string; selected: boolean };
    opt.setAttribute('value', v);
    if (v === value) opt.setAttribute('selected', '');
    opt.textContent = text;
    sel.appendChild(opt);
  }
  sel.addEventListener('change', () => onChange(sel.value));
  wrap.append(lab, sel);
  return wrap;
}

/** What a heatmap shows: kept while the map's size and period stay the same (a cursor moving
 *  between layers of one kind keeps the zoom the reader chose). */
interface ZoomState {
  size: Pair;
  period: Pair;
  zoom: number;
  /** Where the reader moved the window (null: the map's centre); zooming keeps it, so that − then
   *  + returns to the same window. */
  centre: Pair | null;
  /** The centre of the window shown, where a move by one period starts from. */
  shownCentre: Pair;
}

export interface VariantView {
  article: HTMLElement;
  title: HTMLElement;
  heatmap: HTMLCanvasElement;
  /** The heatmap's window (the canvas inside is the whole map, one pixel per output pixel). */
  viewport: HTMLElement;
  /** "crop 32×32 of 128×128, ×6". */
  heatCaption: HTMLElement;
  zoomIn: HTMLButtonElement;
  zoomOut: HTMLButtonElement;
  zoom: ZoomState | null;
  /** The colour bar (a CSS gradient). */
  legend: HTMLElement;
  legendMax: HTMLElement;
  legendMin: HTMLElement;
  profile: HTMLCanvasElement;
  spectrum: HTMLCanvasElement;
  score: HTMLElement;
  detail: HTMLElement;
}

export class PreviewView {
  readonly root: HTMLElement;
  private readonly title: HTMLElement;
  private readonly status: HTMLElement;
  private readonly progress: HTMLElement;
  private readonly notices: HTMLElement;
  private readonly ranking: HTMLElement;
  private readonly variants: HTMLElement;
  private readonly pool = new Map<string, VariantView>();

  constructor(container: HTMLElement, controls: Controls, onControls: (c: Partial<Controls>) => void) {
    this.root = el('main', { id: 'convlens-preview', 'data-state': 'idle' });
    const header = el('header');
    this.title = el('h2', { id: 'preview-title' }, 'Up-sampling preview');
    const bar = el('div', { class: 'controls', id: 'preview-controls' });
    bar.append(
      select('input-kind', 'Input', INPUT_KINDS.map((k) => [k, INPUT_LABELS[k]]), controls.input, (v) => onControls({ input: v as InputKind })),
      select('weights', 'Weights', [['ones', 'All ones (overlap map)'], ['default', 'PyTorch default init (seeded)']], controls.weights, (v) =>
        onControls({ weights: v as WeightMode }),
      ),
      select('input-size', 'Input size', SIZE_CHOICES.map((s) => [s, s === 'model' ? 'As in the model' : `${s}×${s}`]), String(controls.inputSize), (v) =>
        onControls({ inputSize: v === 'model' ? 'model' : Number(v) }),
      ),
    );
    const reseed = document.createElement('vscode-button');
    reseed.id = 'reseed';
    reseed.setAttribute('secondary', '');
    reseed.textContent = 'New seed';
    reseed.addEventListener('click', () => onControls({ seed: (Math.random() * 2 ** 31) >>> 0 }));
    bar.append(reseed);
    this.status = el('p', { id: 'preview-status', class: 'status', role: 'status' }, 'Move the cursor to an up-sampling layer.');
    // While the first session compiles (seconds, more under load): what is on screen meanwhile.
    this.progress = el('p', { id: 'preview-progress', class: 'progress', role: 'status', 'aria-live': 'polite', hidden: '' });
    this.notices = el('ul', { id: 'preview-notices', class: 'notices' });
    this.ranking = el('ol', { id: 'preview-ranking', class: 'ranking' });
    header.append(this.title, bar, this.status, this.progress, this.notices, this.ranking);
    this.variants = el('section', { id: 'variants' });
    this.root.append(header, this.variants);
    container.replaceChildren(this.root);
  }

  setState(state: 'idle' | 'running' | 'done' | 'error'): void {
    this.root.dataset.state = state;
  }

  setTitle(text: string): void {
    this.title.textContent = text;
  }

  setStatus(text: string): void {
    this.status.textContent = text;
  }

  /** The runtime's start-up note; null removes it. An error note stays until a later run succeeds. */
  setProgress(text: string | null, kind: 'progress' | 'error' = 'progress'): void {
    this.progress.textContent = text ?? '';
    this.progress.hidden = text === null;
    this.progress.dataset.kind = kind;
    this.progress.classList.toggle('error', kind === 'error');
  }

  /**
   * Shows `v`'s heatmap (already painted, size × period) at its zoom: the default for a map of a
   * new size or period, else the one the reader chose. Nothing is repainted: CSS scales the whole
   * map's canvas by an integer number of device pixels and the viewport clips it to the crop.
   */
  showHeat(v: VariantView, size: Pair, period: Pair): void {
    const same = v.zoom && v.zoom.size.join() === size.join() && v.zoom.period.join() === period.join();
    if (!same) v.zoom = { size: [...size], period: [...period], zoom: defaultZoom(size, period, viewportDevicePx()), centre: null, shownCentre: [size[0] / 2, size[1] / 2] };
    this.applyZoom(v);
  }

  private applyZoom(v: VariantView): void {
    const z = v.zoom;
    if (!z) return;
    const dpr = devicePixelRatio();
    const view = heatView(z.size, z.period, viewportDevicePx(), z.zoom, z.centre);
    const { y0, x0, h, w } = view.crop;
    z.zoom = view.zoom;
    z.shownCentre = [y0 + h / 2, x0 + w / 2];
    // CSS pixels per output pixel: `zoom` device pixels.
    const px = (n: number) => `${(n * view.zoom) / dpr}px`;
    Object.assign(v.heatmap.style, { width: px(z.size[1]), height: px(z.size[0]), left: px(-x0), top: px(-y0) });
    Object.assign(v.viewport.style, { width: px(w), height: px(h) });
    Object.assign(v.heatmap.dataset, { zoom: String(view.zoom), crop: `${y0},${x0},${h},${w}` });
    v.heatCaption.textContent = view.caption;
    v.viewport.setAttribute('aria-label', `${v.title.textContent ?? ''} output, ${view.caption}. Plus and minus zoom, arrow keys move by one period, 0 resets.`);
    v.zoomIn.disabled = view.zoom >= view.maxZoom;
    v.zoomOut.disabled = view.zoom <= view.minZoom;
  }

  private zoomBy(v: VariantView, step: number): void {
    if (!v.zoom) return;
    v.zoom.zoom += step;
    this.applyZoom(v);
  }

  /** Keys on the focused heatmap: + / − zoom, arrows move by one period, 0 resets. */
  private onHeatKey(v: VariantView, event: KeyboardEvent): void {
    const z = v.zoom;
    if (!z) return;
    const move = (axis: 0 | 1, sign: number) => {
      const centre: Pair = [...z.shownCentre];
      centre[axis] += sign * Math.max(1, z.period[axis]);
      z.centre = centre;
      this.applyZoom(v);
    };
    switch (event.key) {
      case '+':
      case '=':
        this.zoomBy(v, 1);
        break;
      case '-':
      case '_':
        this.zoomBy(v, -1);
        break;
      case 'ArrowUp':
        move(0, -1);
        break;
      case 'ArrowDown':
        move(0, 1);
        break;
      case 'ArrowLeft':
        move(1, -1);
        break;
      case 'ArrowRight':
        move(1, 1);
        break;
      case '0':
      case 'Home':
        v.zoom = null;
        this.showHeat(v, z.size, z.period);
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  setNotices(lines: readonly string[]): void {
    this.notices.replaceChildren(...lines.map((l) => el('li', { class: 'notice' }, l)));
  }

  setRanking(rows: readonly { id: string; label: string; score: number | null }[]): void {
    const ranked = [...rows].sort((a, b) => (a.score ?? Infinity) - (b.score ?? Infinity));
    this.ranking.replaceChildren(
      ...ranked.map((r) => el('li', { 'data-variant': r.id }, `${r.label} — ${r.score === null ? 'no interior' : r.score.toFixed(4)}`)),
    );
  }

  clearVariants(): void {
    this.variants.replaceChildren();
    this.pool.clear();
  }

  /**
   * The articles of these variants, in this order. An article already there for the same id is
   * kept, canvases included: a new canvas (and its first paint) costs fresh memory on every cursor
   * move. What it showed belongs to the previous layer, so its canvases are hidden (data-stale)
   * until painted again, and its score and details are emptied.
   */
  setVariants(variants: readonly { id: string; label: string }[]): Map<string, VariantView> {
    const views = new Map<string, VariantView>();
    for (const { id, label } of variants) {
      let v = this.pool.get(id);
      if (v) {
        v.title.textContent = label;
        v.score.textContent = '';
        v.detail.textContent = '';
        v.article.dataset.score = '';
        for (const picture of [v.heatmap, v.legend, v.profile, v.spectrum]) picture.dataset.stale = 'true';
        for (const key of ['source', 'paintedAt', 'enginePaintedAt', 'engineFrameAt']) delete v.heatmap.dataset[key];
        delete v.spectrum.dataset.painted;
      } else {
        v = this.addVariant(id, label);
      }
      views.set(id, v);
    }
    for (const [id, v] of this.pool) if (!views.has(id)) v.article.remove();
    this.pool.clear();
    for (const [id, v] of views) {
      this.pool.set(id, v);
      // In plan order (append moves an article already in place).
      this.variants.append(v.article);
    }
    return views;
  }

  private addVariant(id: string, label: string): VariantView {
    const article = el('article', { class: 'variant', id: `variant-${id}`, 'data-variant': id });
    const head = el('div', { class: 'variant-head' });
    const title = el('h3', {}, label);
    head.append(title);
    const score = el('span', { class: 'score', id: `score-${id}` });
    head.append(score);
    const detail = el('p', { class: 'detail', id: `detail-${id}` });
    const row = el('div', { class: 'plots' });
    const heatFigure = el('figure', { class: 'heat' });
    const heatmap = el('canvas', { id: `heatmap-${id}`, class: 'heatmap' });
    const viewport = el('div', { class: 'heat-viewport', id: `heat-viewport-${id}`, tabindex: '0', role: 'group', 'aria-roledescription': 'zoomable heatmap' });
    viewport.append(heatmap);
    const legendBox = el('div', { class: 'legend' });
    const legendMax = el('span', { class: 'legend-max', id: `legend-max-${id}` });
    const legend = el('div', { id: `legend-${id}`, class: 'legend-bar' });
    // Through the CSSOM, which the page's style-src does not govern (a style attribute it would refuse).
    legend.style.backgroundImage = legendGradient();
    const legendMin = el('span', { class: 'legend-min', id: `legend-min-${id}` });
    legendBox.append(legendMax, legend, legendMin);
    const heatWrap = el('div', { class: 'heat-wrap' });
    heatWrap.append(viewport, legendBox);
    const zoomOut = el('button', { type: 'button', class: 'zoom', id: `zoom-out-${id}`, 'aria-label': 'Zoom out', title: 'Zoom out (−)' }, '−');
    const zoomIn = el('button', { type: 'button', class: 'zoom', id: `zoom-in-${id}`, 'aria-label': 'Zoom in', title: 'Zoom in (+)' }, '+');
    const heatCaption = el('span', { id: `heat-caption-${id}` }, 'output');
    const caption = el('figcaption', { class: 'heat-caption' });
    caption.append(zoomOut, zoomIn, heatCaption);
    heatFigure.append(heatWrap, caption);
    const profileFigure = el('figure', { class: 'profile' });
    const profile = el('canvas', { id: `profile-${id}`, class: 'profile-plot' });
    profileFigure.append(profile, el('figcaption', { id: `profile-caption-${id}` }, 'row profile'));
    const spectrumFigure = el('figure', { class: 'spectrum' });
    const spectrum = el('canvas', { id: `spectrum-${id}`, class: 'spectrum-plot' });
    spectrumFigure.append(spectrum, el('figcaption', {}, 'spectrum (log power; ○ stride frequencies)'));
    row.append(heatFigure, profileFigure, spectrumFigure);
    article.append(head, detail, row);
    this.variants.append(article);
    const v: VariantView = { article, title, heatmap, viewport, heatCaption, zoomIn, zoomOut, zoom: null, legend, legendMax, legendMin, profile, spectrum, score, detail };
    zoomIn.addEventListener('click', () => this.zoomBy(v, 1));
    zoomOut.addEventListener('click', () => this.zoomBy(v, -1));
    viewport.addEventListener('keydown', (event) => this.onHeatKey(v, event));
    return v;
  }
}

function devicePixelRatio(): number {
  const r = globalThis.devicePixelRatio;
  return typeof r === 'number' && r > 0 && Number.isFinite(r) ? r : 1;
}

/** The heatmap box in device pixels. */
function viewportDevicePx(): number {
  return Math.max(1, Math.round(VIEWPORT_CSS_PX * devicePixelRatio()));
}
