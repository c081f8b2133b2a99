// How the observability panels print times and durations (the API sends ISO-8601 UTC and milliseconds).

/** A duration in milliseconds with as many decimals as make sense at its size; "–" when unknown. */
export function millis(value) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return '–';
  const ms = Number(value);
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** An ISO time as the viewer's local wall clock with milliseconds (calls are often apart by less than a second). */
export function clockTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso ?? '');
  const pad = (n, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** A count or figure the API may leave null (unknown), e.g. cpuMs or peakRssKb. */
export function orDash(value, suffix = '') {
  return value === null || value === undefined ? '–' : `${value}${suffix}`;
}
