// The page's loop (docs/web.md): every heatmap interval it reads /api/v1/heatmap (series list, then the
// selected series) and /api/v1/flood, and redraws. Failures are shown and retried; nothing is cached.
//
// State for tests and scripts, on the DOM: body[data-state] is loading | ready | empty | error;
// canvas#heatmap[data-nonzero-cells] counts the cells drawn with a non-zero count, [data-series] names the
// series drawn ("server:80"); body[data-flood-rules] counts the rules listed.
import { drawHeatmap } from './heatmap.js';
import { formatClock, formatCount, formatSeconds } from './format.js';

// The API refreshes once per heatmap interval; faster polling would only redraw the same columns.
const MIN_REFRESH_MS = 500;
// While the agent does not answer, retry at a calmer pace (still forever).
const ERROR_RETRY_MS = 2000;

const $ = (id) => document.getElementById(id);

let selected = seriesFromHash();
let refreshMs = 1000;
let timer = 0;
let lastHeatmap = null;
let hitTest = null;
let previousFlood = null;

class ApiError extends Error {
  constructor(path, message) {
    super(`${path}: ${message}`);
  }
}

/** GET a JSON endpoint of the agent; throws ApiError with the agent's own error text when it has one. */
async function getJson(path) {
  let response;
  try {
    response = await fetch(path, { cache: 'no-store', headers: { Accept: 'application/json' } });
  } catch (e) {
    throw new ApiError(path, `agent unreachable (${e.message})`);
  }
  if (response.status === 401) {
    throw new ApiError(path, '401 unauthorized: reload the page to sign in');
  }
  if (!response.ok) {
    let detail = response.statusText;
    try {
      detail = (await response.json()).error ?? detail;
    } catch {
      // Not JSON (e.g. a proxy's error page): the status line says enough.
    }
    throw new ApiError(path, `${response.status} ${detail}`);
  }
  try {
    return await response.json();
  } catch (e) {
    throw new ApiError(path, `invalid JSON (${e.message})`);
  }
}

function schedule(delayMs) {
  clearTimeout(timer);
  timer = setTimeout(refresh, delayMs);
}

async function refresh() {
  const [heatmap, flood] = await Promise.allSettled([refreshHeatmap(), refreshFlood()]);
  const errors = [heatmap, flood].filter((r) => r.status === 'rejected').map((r) => r.reason.message);
  const error = $('error');
  error.hidden = errors.length === 0;
  error.textContent = errors.length === 0 ? '' : `${errors.join('\n')}\nRetrying every ${ERROR_RETRY_MS / 1000} s.`;
  if (errors.length > 0) {
    document.body.dataset.state = 'error';
    const failed = `update failed at ${formatClock(new Date())}`;
    $('status').textContent = lastHeatmap ? `${failed}; heatmap from ${formatClock(lastHeatmap.at)}` : failed;
  } else {
    document.body.dataset.state = heatmap.value;
    $('status').textContent = `updated ${formatClock(new Date())} · every ${refreshMs / 1000} s`;
  }
  schedule(errors.length > 0 ? Math.max(refreshMs, ERROR_RETRY_MS) : refreshMs);
}

/** Reads the series list and the selected series, and draws it; returns 'ready' or 'empty'. */
async function refreshHeatmap() {
  const overview = await getJson('api/v1/heatmap');
  refreshMs = Math.max(overview.interval_seconds * 1000, MIN_REFRESH_MS);
  if (!selected || !overview.series.some((s) => sameSeries(s, selected))) {
    selected = busiest(overview.series);
  }
  renderSeriesTable(overview.series);
  $('empty').hidden = overview.series.length > 0;
  if (!selected) {
    lastHeatmap = null;
    $('series-title').textContent = '';
    $('heatmap-summary').textContent = '';
    draw();
    return 'empty';
  }

  const query = `role=${encodeURIComponent(selected.role)}&port=${encodeURIComponent(selected.port)}`;
  const detail = await getJson(`api/v1/heatmap?${query}`);
  lastHeatmap = { detail, overview, at: new Date() };
  const summary = overview.series.find((s) => sameSeries(s, selected));
  $('series-title').textContent = `${selected.role} port ${selected.port}`;
  $('heatmap-summary').textContent =
    `${formatCount(summary.rate_per_second)} requests/s · p50 ≤ ${formatSeconds(detail.p50_seconds)} · ` +
    `p99 ≤ ${formatSeconds(detail.p99_seconds)} · last ${formatCount(overview.columns * overview.interval_seconds)} s`;
  draw();
  return 'ready';
}

function draw() {
  const canvas = $('heatmap');
  if (!lastHeatmap) {
    const empty = { bucket_upper_bounds_seconds: defaultBounds(), columns: [], p50_seconds: null, p99_seconds: null };
    hitTest = drawHeatmap(canvas, empty, 1, 60).hitTest;
    canvas.dataset.nonzeroCells = '0';
    canvas.dataset.series = '';
    return;
  }
  const { detail, overview } = lastHeatmap;
  const drawn = drawHeatmap(canvas, detail, overview.interval_seconds, overview.columns);
  hitTest = drawn.hitTest;
  canvas.dataset.nonzeroCells = String(drawn.nonZeroCells);
  canvas.dataset.series = `${detail.role}:${detail.port}`;
}

function renderSeriesTable(series) {
  const rows = series.map((s) => {
    const isSelected = selected !== null && sameSeries(s, selected);
    const pick = el('button', { type: 'button' }, s.role);
    const row = el('tr', { 'aria-selected': String(isSelected) },
      el('td', {}, pick),
      el('td', {}, s.port === '0' ? 'other' : s.port),
      el('td', { class: 'num' }, formatCount(s.rate_per_second)),
      el('td', { class: 'num' }, formatSeconds(s.p50_seconds)),
      el('td', { class: 'num' }, formatSeconds(s.p99_seconds)),
      el('td', { class: 'num' }, formatCount(s.count)));
    row.addEventListener('click', () => select(s));
    return row;
  });
  $('series').tBodies[0].replaceChildren(...rows);
}

function select(series) {
  selected = { role: series.role, port: series.port };
  history.replaceState(null, '', `#${series.role}:${series.port}`);
  schedule(0);
}

/** Reads the flood filter's state; counter rates come from the difference to the previous read. */
async function refreshFlood() {
  const flood = await getJson('api/v1/flood');
  const now = performance.now();
  const before = previousFlood && previousFlood.generation === flood.generation ? previousFlood : null;
  previousFlood = { generation: flood.generation, at: now, rules: new Map(flood.rules.map((r) => [r.id, r])) };

  $('flood-generation').textContent = flood.generation > 0 ? `· rule set generation ${flood.generation}` : '· no rule set applied';
  $('flood-interfaces').replaceChildren(...interfaceLine(flood.interfaces));
  document.body.dataset.floodRules = String(flood.rules.length);
  if (flood.rules.length === 0) {
    $('flood-rules').replaceChildren(el('p', { class: 'muted' }, 'No flood rules loaded (rules: in the agent config, see docs/rules.md).'));
    return;
  }
  const seconds = before ? (now - before.at) / 1000 : 0;
  const rate = (rule, key) => {
    const old = before && before.rules.get(rule.id);
    return old && seconds > 0 && rule[key] >= old[key] ? `${formatCount((rule[key] - old[key]) / seconds)}/s` : '';
  };
  $('flood-rules').replaceChildren(...flood.rules.map((rule) => el('div', { class: 'rule' },
    el('h3', {}, `${rule.name} `,
      el('span', { class: `badge ${rule.action}` }, rule.action), ' ',
      el('span', { class: 'badge' }, rule.mode)),
    el('table', {},
      el('tbody', {},
        counterRow('matches', rule.matches, rate(rule, 'matches')),
        counterRow('drops', rule.drops, rate(rule, 'drops')),
        counterRow('shadow drops', rule.shadow_drops, rate(rule, 'shadow_drops')),
        counterRow('alerts', rule.alerts, rate(rule, 'alerts')),
        counterRow('blocked sources', rule.blocked_sources, ''))),
    offendersTable(rule.top_offenders))));
}

function interfaceLine(interfaces) {
  if (interfaces.length === 0) {
    return ['XDP off (no interfaces configured)'];
  }
  const parts = ['XDP on '];
  interfaces.forEach((i, n) => {
    parts.push(n > 0 ? ', ' : '', i.name, ' ');
    parts.push(el('span', { class: i.attached ? 'badge' : 'badge down' }, i.attached ? 'attached' : 'not attached'));
  });
  return parts;
}

function counterRow(label, value, rate) {
  return el('tr', {}, el('th', {}, label), el('td', { class: 'num' }, formatCount(value)), el('td', { class: 'num muted' }, rate));
}

function offendersTable(offenders) {
  if (offenders.length === 0) {
    return el('p', { class: 'muted' }, 'No blocked sources.');
  }
  return el('table', {},
    el('thead', {}, el('tr', {}, el('th', {}, 'top offender'), el('th', {}, 'state'), el('th', { class: 'num' }, 'window'), el('th', { class: 'num' }, 'expires in'))),
    el('tbody', {}, ...offenders.map((o) => el('tr', {},
      el('td', {}, o.source),
      el('td', {}, o.state),
      el('td', { class: 'num' }, formatCount(o.window_count)),
      el('td', { class: 'num' }, `${o.block_expires_in_seconds.toFixed(1)} s`)))));
}

/** Builds an element; children are nodes or strings (set as text, never parsed as HTML). */
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

function sameSeries(a, b) {
  return a.role === b.role && String(a.port) === String(b.port);
}

function busiest(series) {
  const best = series.reduce((top, s) => (top === null || s.count > top.count ? s : top), null);
  return best && { role: best.role, port: best.port };
}

/** "#server:80" selects a series on load, so a link can point at one. */
function seriesFromHash() {
  const match = /^#(server|client):(\d{1,5})$/.exec(location.hash);
  return match ? { role: match[1], port: match[2] } : null;
}

/** The API's default scale-2 bounds (1 µs × 2^(i/4)), for drawing empty axes before any series exists. */
function defaultBounds() {
  return Array.from({ length: 105 }, (_, i) => 1e-6 * 2 ** (i / 4));
}

$('heatmap').addEventListener('mousemove', (e) => {
  const tooltip = $('tooltip');
  const text = hitTest ? hitTest(e.offsetX, e.offsetY) : null;
  tooltip.hidden = text === null;
  if (text !== null) {
    tooltip.textContent = text;
    tooltip.style.left = `${e.offsetX + 12}px`;
    tooltip.style.top = `${e.offsetY + 12}px`;
  }
});
$('heatmap').addEventListener('mouseleave', () => { $('tooltip').hidden = true; });
window.addEventListener('resize', draw);
window.addEventListener('hashchange', () => {
  selected = seriesFromHash() ?? selected;
  schedule(0);
});
refresh();
