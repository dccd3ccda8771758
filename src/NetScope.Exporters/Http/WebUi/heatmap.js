// Draws one /api/v1/heatmap series on a canvas: time across (one slot per interval), latency buckets up,
// colour = requests in the cell on a log scale (one slow outlier and a thousand fast requests both show).
import { formatBucket, formatClock, formatSeconds } from './format.js';

const MARGIN = { left: 64, right: 64, top: 8, bottom: 26 };

// Viridis stops: perceptually uniform and readable for colour-blind viewers.
const STOPS = [
  [68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37],
];

const BACKGROUND = '#141822';
const GRID = '#2c3242';
const TEXT = '#8b93a7';

/** Colour of a cell holding count (> 0) when the busiest cell holds max. */
export function cellColour(count, max) {
  // Count 1 starts a little above the darkest stop so it stands out from the empty background.
  const t = max <= 1 ? 1 : 0.12 + 0.88 * (Math.log(count) / Math.log(max));
  const scaled = Math.min(Math.max(t, 0), 1) * (STOPS.length - 1);
  const i = Math.min(Math.floor(scaled), STOPS.length - 2);
  const f = scaled - i;
  const rgb = STOPS[i].map((c, k) => Math.round(c + f * (STOPS[i + 1][k] - c)));
  return `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`;
}

/**
 * Draws detail (GET /api/v1/heatmap?role=..&port=..) for a window of `columns` intervals of
 * `intervalSeconds`. Returns what was drawn ({ nonZeroCells, maxCount }) and a hit-test function for hovers.
 */
export function drawHeatmap(canvas, detail, intervalSeconds, columns) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);

  const plot = {
    left: MARGIN.left,
    top: MARGIN.top,
    width: Math.max(width - MARGIN.left - MARGIN.right, 10),
    height: Math.max(height - MARGIN.top - MARGIN.bottom, 10),
  };
  ctx.fillStyle = BACKGROUND;
  ctx.fillRect(plot.left, plot.top, plot.width, plot.height);

  const bounds = detail.bucket_upper_bounds_seconds;
  const intervalMs = intervalSeconds * 1000;
  const cols = detail.columns;
  const endMs = cols.length > 0 ? Date.parse(cols[cols.length - 1].time) : Date.now();
  const rows = visibleRows(cols, bounds);
  const rowHeight = plot.height / (rows.hi - rows.lo + 1);
  const slotWidth = plot.width / columns;

  let maxCount = 0;
  for (const column of cols) {
    for (const c of column.counts) {
      maxCount = Math.max(maxCount, c);
    }
  }

  // Each column is placed by its time, so a gap in the data shows as a gap, not as squeezed columns.
  const slotOf = (column) => Math.round((endMs - Date.parse(column.time)) / intervalMs);
  let nonZeroCells = 0;
  for (const column of cols) {
    const slot = slotOf(column);
    if (slot < 0 || slot >= columns) {
      continue;
    }
    const x = plot.left + plot.width - (slot + 1) * slotWidth;
    for (let row = rows.lo; row <= rows.hi; row++) {
      const count = column.counts[row];
      if (count > 0) {
        nonZeroCells++;
        ctx.fillStyle = cellColour(count, maxCount);
        // Overlap by a fraction of a pixel so neighbouring cells leave no hairline gaps.
        ctx.fillRect(x, plot.top + plot.height - (row - rows.lo + 1) * rowHeight, slotWidth + 0.5, rowHeight + 0.5);
      }
    }
  }

  const rowOf = (seconds) => bucketEdge(bounds, seconds);
  const yOfEdge = (edge) => plot.top + plot.height - (edge - rows.lo) * rowHeight;
  drawLatencyAxis(ctx, plot, bounds, rows, yOfEdge, rowOf);
  drawTimeAxis(ctx, plot, endMs, intervalMs, columns, slotWidth);
  drawPercentile(ctx, plot, 'p50', detail.p50_seconds, rows, yOfEdge, rowOf);
  drawPercentile(ctx, plot, 'p99', detail.p99_seconds, rows, yOfEdge, rowOf);
  if (maxCount > 0) {
    drawLegend(ctx, plot, maxCount);
  }

  const hitTest = (px, py) => {
    if (px < plot.left || px > plot.left + plot.width || py < plot.top || py > plot.top + plot.height) {
      return null;
    }
    const slot = Math.floor((plot.left + plot.width - px) / slotWidth);
    const row = rows.lo + Math.floor((plot.top + plot.height - py) / rowHeight);
    const column = cols.find((c) => slotOf(c) === slot);
    const time = new Date(endMs - slot * intervalMs);
    return `${formatClock(time)} · ${formatBucket(bounds, row)} · ${column ? column.counts[row] ?? 0 : 0} requests`;
  };
  return { nonZeroCells, maxCount, hitTest };
}

/** Bucket rows worth showing: the non-empty range with a little headroom, or 10 µs..1 s when empty. */
function visibleRows(cols, bounds) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const column of cols) {
    column.counts.forEach((c, i) => {
      if (c > 0) {
        lo = Math.min(lo, i);
        hi = Math.max(hi, i);
      }
    });
  }
  if (lo === Infinity) {
    return { lo: bucketEdge(bounds, 1e-5), hi: bucketEdge(bounds, 1) - 1 };
  }
  // At least about a decade of rows, so a single busy bucket does not fill the whole plot.
  const minRows = Math.ceil(Math.log(10) / Math.log(bounds[1] / bounds[0]));
  const pad = Math.max(2, Math.ceil((minRows - (hi - lo + 1)) / 2));
  return { lo: Math.max(0, lo - pad), hi: Math.min(bounds.length, hi + pad) };
}

/**
 * Continuous row coordinate of a latency: bounds grow by a constant ratio, so bounds[i] is the top edge of
 * row i, i.e. coordinate i + 1.
 */
function bucketEdge(bounds, seconds) {
  const growth = bounds[1] / bounds[0];
  return Math.log(seconds / bounds[0]) / Math.log(growth) + 1;
}

function drawLatencyAxis(ctx, plot, bounds, rows, yOfEdge, rowOf) {
  ctx.font = '11px system-ui, "DejaVu Sans", sans-serif';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const decades = (rows.hi - rows.lo + 1) / (rowOf(10) - rowOf(1));
  const multiples = decades < 3 ? [1, 2, 5] : [1];
  for (let exponent = -7; exponent <= 2; exponent++) {
    for (const m of multiples) {
      const seconds = m * 10 ** exponent;
      const edge = rowOf(seconds);
      if (edge < rows.lo || edge > rows.hi + 1) {
        continue;
      }
      const y = yOfEdge(edge);
      ctx.strokeStyle = GRID;
      ctx.beginPath();
      ctx.moveTo(plot.left - 4, y);
      ctx.lineTo(plot.left, y);
      ctx.stroke();
      ctx.fillStyle = TEXT;
      ctx.fillText(formatSeconds(seconds), plot.left - 6, y);
    }
  }
}

function drawTimeAxis(ctx, plot, endMs, intervalMs, columns, slotWidth) {
  const windowSeconds = (columns * intervalMs) / 1000;
  const step = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600].find((s) => windowSeconds / s <= 6) ?? 7200;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const right = plot.left + plot.width;
  // Ticks on whole multiples of the step in wall-clock time, at the right edge of the column ending then.
  for (let t = Math.floor(endMs / (step * 1000)) * step * 1000; t > endMs - columns * intervalMs; t -= step * 1000) {
    const x = right - ((endMs - t) / intervalMs) * slotWidth;
    ctx.strokeStyle = GRID;
    ctx.beginPath();
    ctx.moveTo(x, plot.top + plot.height);
    ctx.lineTo(x, plot.top + plot.height + 4);
    ctx.stroke();
    ctx.fillStyle = TEXT;
    ctx.fillText(formatClock(new Date(t)), x, plot.top + plot.height + 7);
  }
}

function drawPercentile(ctx, plot, label, seconds, rows, yOfEdge, rowOf) {
  if (seconds === null || seconds === undefined) {
    return;
  }
  const edge = rowOf(seconds);
  if (edge < rows.lo || edge > rows.hi + 1) {
    return;
  }
  const y = yOfEdge(edge);
  ctx.save();
  ctx.setLineDash([4, 4]);
  ctx.strokeStyle = '#ffffffaa';
  ctx.beginPath();
  ctx.moveTo(plot.left, y);
  ctx.lineTo(plot.left + plot.width, y);
  ctx.stroke();
  ctx.restore();
  ctx.fillStyle = '#ffffffdd';
  ctx.textAlign = 'left';
  ctx.textBaseline = 'bottom';
  ctx.fillText(`${label} ≤ ${formatSeconds(seconds)}`, plot.left + 4, y - 2);
}

function drawLegend(ctx, plot, maxCount) {
  const x = plot.left + plot.width + 12;
  const barWidth = 10;
  const steps = 64;
  for (let i = 0; i < steps; i++) {
    // Top of the bar is the busiest cell, bottom a single request.
    const count = Math.exp((Math.log(maxCount) * (steps - 1 - i)) / (steps - 1));
    ctx.fillStyle = cellColour(count, maxCount);
    ctx.fillRect(x, plot.top + (i * plot.height) / steps, barWidth, plot.height / steps + 1);
  }
  ctx.fillStyle = TEXT;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  ctx.fillText(String(maxCount), x + barWidth + 4, plot.top);
  ctx.textBaseline = 'bottom';
  ctx.fillText('1', x + barWidth + 4, plot.top + plot.height);
}
