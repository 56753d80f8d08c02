// An inline SVG bar chart (no library): one stacked bar per bucket, successful below, failed on top.
const NS = 'http://www.w3.org/2000/svg';

function el(tag, attrs, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

export function barChart(points, title) {
  const width = 720, height = 200, left = 40, bottom = 24, top = 10;
  const max = Math.max(1, ...points.map(p => p.ok + p.failed));
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': title });
  svg.append(el('title', {}, title));
  const plotH = height - bottom - top;
  const step = (width - left) / Math.max(points.length, 1);
  const barW = Math.max(2, Math.min(28, step * 0.7));
  for (const frac of [0, 0.5, 1]) {
    const y = top + plotH * (1 - frac);
    svg.append(el('line', { x1: left, x2: width, y1: y, y2: y, class: 'grid' }));
    svg.append(el('text', { x: left - 6, y: y + 4, 'text-anchor': 'end', class: 'axis' }, String(Math.round(max * frac))));
  }
  points.forEach((p, i) => {
    const x = left + i * step + (step - barW) / 2;
    const okH = plotH * p.ok / max, failH = plotH * p.failed / max;
    const g = el('g', {});
    g.append(el('title', {}, `${p.label}: ${p.ok} ok, ${p.failed} failed`));
    g.append(el('rect', { x, y: top + plotH - okH, width: barW, height: okH, class: 'ok' }));
    g.append(el('rect', { x, y: top + plotH - okH - failH, width: barW, height: failH, class: 'failed' }));
    svg.append(g);
    if (points.length <= 16 || i % Math.ceil(points.length / 16) === 0) {
      svg.append(el('text', { x: x + barW / 2, y: height - 6, 'text-anchor': 'middle', class: 'axis' }, p.label));
    }
  });
  return svg;
}
