// A hand-drawn canvas line chart of requests per second: the cluster total
// and each node, over the last two minutes, one sample per fetched view.
import { h, compact, rate } from './dom.js';

const WINDOW_MS = 120_000;
const KEEP_MS = WINDOW_MS + 5_000;
const PALETTE = ['#0969da', '#bf3989', '#1a7f37', '#bc4c00', '#8250df', '#0598bc', '#9a6700', '#cf222e'];
const TOTAL_COLOR = '#1f2328';
const GRID_COLOR = '#e6e9ed';
const LABEL_COLOR = '#59636e';
const PAD = { left: 44, right: 10, top: 10, bottom: 22 };

/** RateChart samples views into a canvas chart with an HTML legend. */
export class RateChart {
  constructor(canvas, legend, totalLabel) {
    Object.assign(this, { canvas, legend, totalLabel });
    this.samples = [];
    this.colors = new Map();
    new ResizeObserver(() => this.draw()).observe(canvas);
  }

  /** add records the load of view at time now and redraws. */
  add(view, now = Date.now()) {
    const per = {};
    let total = 0;
    for (const n of view.nodes ?? []) {
      const r = Number(n.requests_per_sec) || 0;
      per[n.id] = r;
      total += r;
      this.colorOf(n.id);
    }
    this.samples.push({ t: now, total, per });
    while (this.samples.length && this.samples[0].t < now - KEEP_MS) this.samples.shift();
    this.renderLegend(per, total);
    this.draw(now);
  }

  colorOf(id) {
    if (!this.colors.has(id)) this.colors.set(id, PALETTE[this.colors.size % PALETTE.length]);
    return this.colors.get(id);
  }

  renderLegend(per, total) {
    this.totalLabel.textContent = `${rate(total)} total`;
    const item = (color, name, value) => {
      const swatch = h('span', { class: 'swatch line' });
      swatch.style.background = color;
      return h('li', { 'data-series': name }, swatch, `${name} `, h('span', { class: 'muted' }, rate(value)));
    };
    this.legend.replaceChildren(item(TOTAL_COLOR, 'total', total),
      ...Object.entries(per).map(([id, r]) => item(this.colorOf(id), id, r)));
  }

  /** draw paints the chart for the window ending at now. */
  draw(now = Date.now()) {
    const g = this.context();
    if (!g) return;
    const box = this.box();
    const max = niceMax(Math.max(1, ...this.samples.map((s) => s.total)));
    const x = (t) => box.left + (box.right - box.left) * (1 - (now - t) / WINDOW_MS);
    const y = (v) => box.bottom - (box.bottom - box.top) * (v / max);
    drawAxes(g, box, max, y);
    g.save();
    g.beginPath();
    g.rect(box.left, box.top - 2, box.right - box.left, box.bottom - box.top + 4);
    g.clip();
    for (const [id, color] of this.colors) drawLine(g, this.samples, (s) => s.per[id], color, 1.5, x, y);
    drawLine(g, this.samples, (s) => s.total, TOTAL_COLOR, 2.5, x, y);
    g.restore();
    if (this.samples.length < 2) {
      g.fillStyle = LABEL_COLOR;
      g.textAlign = 'center';
      g.fillText('collecting samples…', (box.left + box.right) / 2, (box.top + box.bottom) / 2);
    }
  }

  /** context sizes the canvas to its CSS box at the device's pixel ratio. */
  context() {
    const { canvas } = this;
    const w = canvas.clientWidth;
    const hgt = canvas.clientHeight;
    if (!w || !hgt) return null;
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(hgt * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(hgt * dpr);
    }
    const g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, hgt);
    g.font = '11px system-ui, sans-serif';
    return g;
  }

  box() {
    const { clientWidth: w, clientHeight: hgt } = this.canvas;
    return { left: PAD.left, right: w - PAD.right, top: PAD.top, bottom: hgt - PAD.bottom };
  }
}

/** niceMax rounds v up to a round number whose quarters are round too. */
function niceMax(v) {
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 1.2, 1.6, 2, 3, 4, 5, 6, 8, 10].map((m) => m * p).find((m) => m >= v);
}

function drawAxes(g, box, max, y) {
  g.lineWidth = 1;
  g.strokeStyle = GRID_COLOR;
  g.fillStyle = LABEL_COLOR;
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    const py = Math.round(y(v)) + 0.5;
    g.beginPath();
    g.moveTo(box.left, py);
    g.lineTo(box.right, py);
    g.stroke();
    g.fillText(compact(v), box.left - 6, py);
  }
  g.textBaseline = 'top';
  for (let s = 0; s <= WINDOW_MS / 1000; s += 30) {
    const px = box.left + (box.right - box.left) * (1 - (s * 1000) / WINDOW_MS);
    g.textAlign = s === 0 ? 'right' : s === WINDOW_MS / 1000 ? 'left' : 'center';
    g.fillText(s === 0 ? 'now' : `-${s}s`, px, box.bottom + 6);
  }
}

function drawLine(g, samples, value, color, width, x, y) {
  g.strokeStyle = color;
  g.lineWidth = width;
  g.lineJoin = 'round';
  g.beginPath();
  let pen = false;
  for (const s of samples) {
    const v = value(s);
    if (v === undefined) {
      pen = false;
      continue;
    }
    if (pen) g.lineTo(x(s.t), y(v));
    else g.moveTo(x(s.t), y(v));
    pen = true;
  }
  g.stroke();
}
