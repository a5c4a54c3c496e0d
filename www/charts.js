// Small charts drawn as inline SVG by the page itself (no chart library): horizontal
// bars, stacked horizontal bars and a heat-map grid. Each chart is an image with an
// accessible name that reads its numbers; `figure` sets a chart beside a table of them.

const SVG = 'http://www.w3.org/2000/svg';
const INK = '#1d2329';
const ROW_PX = 22;
const NAME_PX = 160;
const VALUE_PX = 52;

function svgEl(name, attrs = {}, text = null) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== null) el.textContent = text;
  return el;
}

/** `text` cut to `max` characters with an ellipsis. */
export function shorten(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function chartSvg(width, height, label) {
  const svg = svgEl('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': label, class: 'chart' });
  svg.style.maxWidth = '100%';
  svg.style.height = 'auto';
  return svg;
}

/** What the chart says, for its accessible name: "title: a 3, b 2, …" (at most 25 items). */
function spoken(title, items) {
  const shown = items.slice(0, 25).join(', ');
  return `${title}: ${shown || 'nothing yet'}${items.length > 25 ? `, and ${items.length - 25} more` : ''}`;
}

/** A row's name at the left, cut to fit, with its full text as a tooltip. */
function rowName(name, y) {
  const t = svgEl('text', { x: NAME_PX - 6, y: y + ROW_PX / 2 + 4, 'text-anchor': 'end', class: 'chart-name', fill: INK }, shorten(name, 21));
  t.append(svgEl('title', {}, name));
  return t;
}

/**
 * Horizontal bars: `rows` are `{name, value, color}`; `title` names the chart. The value
 * is written at the end of each bar.
 */
export function barChart(rows, { title, width = 520 } = {}) {
  const height = Math.max(1, rows.length) * ROW_PX + 4;
  const svg = chartSvg(width, height, spoken(title, rows.map((r) => `${r.name} ${r.value}`)));
  const max = Math.max(1, ...rows.map((r) => r.value));
  const span = width - NAME_PX - VALUE_PX;
  rows.forEach((r, i) => {
    const y = i * ROW_PX + 2;
    const w = Math.max(1, (r.value / max) * span);
    svg.append(rowName(r.name, y));
    const bar = svgEl('rect', { x: NAME_PX, y: y + 3, width: w, height: ROW_PX - 6, rx: 2, fill: r.color ?? '#5f6b76' });
    bar.append(svgEl('title', {}, `${r.name}: ${r.value}`));
    svg.append(bar, svgEl('text', { x: NAME_PX + w + 4, y: y + ROW_PX / 2 + 4, class: 'chart-value', fill: INK }, r.value.toLocaleString('en')));
  });
  return svg;
}

/**
 * Stacked horizontal bars: `rows` are `{name, parts: [{key, value}]}`, `keys` are
 * `{key, name, color}` (drawn in that order, and as a legend under the bars).
 */
export function stackedBars(rows, keys, { title, width = 520 } = {}) {
  const legendRows = Math.ceil(keys.length / 4);
  const height = Math.max(1, rows.length) * ROW_PX + 8 + legendRows * 18;
  const totals = rows.map((r) => r.parts.reduce((s, p) => s + p.value, 0));
  const svg = chartSvg(width, height, spoken(title, rows.map((r, i) => `${r.name} ${totals[i]} (${r.parts.filter((p) => p.value).map((p) => `${p.key} ${p.value}`).join(', ')})`)));
  const max = Math.max(1, ...totals);
  const span = width - NAME_PX - VALUE_PX;
  const color = new Map(keys.map((k) => [k.key, k.color]));
  rows.forEach((r, i) => {
    const y = i * ROW_PX + 2;
    svg.append(rowName(r.name, y));
    let x = NAME_PX;
    for (const k of keys) {
      const part = r.parts.find((p) => p.key === k.key);
      if (!part?.value) continue;
      const w = (part.value / max) * span;
      const rect = svgEl('rect', { x, y: y + 3, width: Math.max(1, w), height: ROW_PX - 6, fill: color.get(k.key) ?? '#5f6b76', stroke: '#ffffff', 'stroke-width': 0.5 });
      rect.append(svgEl('title', {}, `${r.name}: ${k.name} ${part.value}`));
      svg.append(rect);
      x += w;
    }
    svg.append(svgEl('text', { x: x + 4, y: y + ROW_PX / 2 + 4, class: 'chart-value', fill: INK }, totals[i].toLocaleString('en')));
  });
  const legendTop = Math.max(1, rows.length) * ROW_PX + 10;
  const colW = width / 4;
  keys.forEach((k, i) => {
    const x = (i % 4) * colW + 4;
    const y = legendTop + Math.floor(i / 4) * 18;
    svg.append(svgEl('rect', { x, y, width: 12, height: 12, fill: k.color }), svgEl('text', { x: x + 16, y: y + 10, class: 'chart-legend', fill: INK }, shorten(k.name, 16)));
  });
  return svg;
}

function channel(hex, i) {
  return parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16);
}

/** The colour a fraction `t` (0–1) of the way from `from` to `to` (#rrggbb). */
function mix(from, to, t) {
  const c = [0, 1, 2].map((i) => Math.round(channel(from, i) + (channel(to, i) - channel(from, i)) * t));
  return `rgb(${c.join(' ')})`;
}

/**
 * A heat map: a square grid over `names`, cell (i, j) shaded by `value(i, j)` with the
 * number written in it (empty cells are left blank).
 */
export function heatMap(names, value, { title, cell = 34 } = {}) {
  const left = 90;
  const top = 76;
  const width = left + names.length * cell + 4;
  const height = top + names.length * cell + 4;
  const items = [];
  let max = 1;
  names.forEach((a, i) =>
    names.forEach((b, j) => {
      const v = value(i, j);
      max = Math.max(max, v);
      if (v && i < j) items.push(`${a} with ${b} ${v}`);
    }),
  );
  const svg = chartSvg(width, height, spoken(title, items));
  names.forEach((name, i) => {
    const row = svgEl('text', { x: left - 6, y: top + i * cell + cell / 2 + 4, 'text-anchor': 'end', class: 'chart-name', fill: INK }, shorten(name, 11));
    row.append(svgEl('title', {}, name));
    const cx = left + i * cell + cell / 2 + 4;
    const col = svgEl('text', { x: cx, y: top - 6, transform: `rotate(-60 ${cx} ${top - 6})`, class: 'chart-name', fill: INK }, shorten(name, 11));
    col.append(svgEl('title', {}, name));
    svg.append(row, col);
  });
  names.forEach((a, i) =>
    names.forEach((b, j) => {
      const v = value(i, j);
      const t = v / max;
      const x = left + j * cell;
      const y = top + i * cell;
      const rect = svgEl('rect', { x, y, width: cell - 2, height: cell - 2, rx: 2, fill: v ? mix('#e3ecf5', '#1f3a5a', t) : '#f5f7f9', stroke: '#d9dee3' });
      rect.append(svgEl('title', {}, `${a} with ${b}: ${v}`));
      svg.append(rect);
      if (v) svg.append(svgEl('text', { x: x + (cell - 2) / 2, y: y + cell / 2 + 3, 'text-anchor': 'middle', class: 'chart-cell', fill: t > 0.45 ? '#ffffff' : INK }, String(v)));
    }),
  );
  return svg;
}

/** A table of the numbers a chart shows: `headers`, then `rows` of cells (numbers right-aligned). */
export function numberTable(caption, headers, rows) {
  const table = document.createElement('table');
  table.className = 'numbers';
  const cap = document.createElement('caption');
  cap.className = 'visually-hidden';
  cap.textContent = caption;
  const head = document.createElement('tr');
  for (const h of headers) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    head.append(th);
  }
  const thead = document.createElement('thead');
  thead.append(head);
  const body = document.createElement('tbody');
  for (const row of rows) {
    const tr = document.createElement('tr');
    row.forEach((v, i) => {
      const td = document.createElement(i === 0 ? 'th' : 'td');
      if (i === 0) td.scope = 'row';
      td.textContent = typeof v === 'number' ? v.toLocaleString('en') : v;
      if (typeof v === 'number') td.className = 'num';
      tr.append(td);
    });
    body.append(tr);
  }
  table.append(cap, thead, body);
  return table;
}

/** A figure: its caption, then the chart beside its table of numbers, then any `actions` (buttons, controls). */
export function figure(title, chart, table, actions = []) {
  const fig = document.createElement('figure');
  fig.className = 'chart-figure';
  const caption = document.createElement('figcaption');
  caption.textContent = title;
  const body = document.createElement('div');
  body.className = 'chart-body';
  const tableBox = document.createElement('div');
  tableBox.className = 'chart-numbers';
  tableBox.append(table);
  body.append(chart, tableBox);
  fig.append(caption);
  if (actions.length) {
    const bar = document.createElement('div');
    bar.className = 'chart-actions';
    bar.append(...actions);
    fig.append(bar);
  }
  fig.append(body);
  return fig;
}
