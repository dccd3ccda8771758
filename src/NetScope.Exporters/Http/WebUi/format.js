// Number and duration formatting shared by the heatmap and the tables (docs/web.md).

/** Seconds as "850 µs", "12.3 ms", "1.20 s"; "—" for null (an empty window has no percentile). */
export function formatSeconds(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) {
    return '—';
  }
  if (seconds < 1e-3) {
    return `${round3(seconds * 1e6)} µs`;
  }
  if (seconds < 1) {
    return `${round3(seconds * 1e3)} ms`;
  }
  return `${round3(seconds)} s`;
}

/** Counts with thousands separators, rates with at most one decimal. */
export function formatCount(value) {
  return Number(value).toLocaleString('en-US', { maximumFractionDigits: value < 10 ? 1 : 0 });
}

/** A bucket's interval in the API's terms: bucket 0 is "≤ first bound", the last is "> last bound". */
export function formatBucket(bounds, index) {
  if (index === 0) {
    return `≤ ${formatSeconds(bounds[0])}`;
  }
  if (index >= bounds.length) {
    return `> ${formatSeconds(bounds[bounds.length - 1])}`;
  }
  return `(${formatSeconds(bounds[index - 1])}, ${formatSeconds(bounds[index])}]`;
}

/** Local wall-clock time HH:MM:SS. */
export function formatClock(date) {
  return date.toLocaleTimeString('en-GB', { hour12: false });
}

function round3(value) {
  return Number(value.toPrecision(3)).toString();
}
