// The live chart of the stats panel, drawn as plain SVG (no library): one bar per 10-second bucket
// for its calls, the failed part of the bar in the error colour, and the bucket's p99 as a line on
// its own scale. Colours come from console.css classes: the CSP allows no inline styles.

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 300;
const HEIGHT = 80;
const TOP = 4; // room so the p99 line's peak is not cut by the edge

/** Redraws svg from a stats answer (api.md #4) and returns the figures the legend shows. */
export function drawChart(svg, stats) {
  const buckets = stats.buckets || [];
  const busiest = Math.max(0, ...buckets.map((b) => b.calls || 0));
  const peakCalls = Math.max(1, busiest); // the bars' scale; 1 keeps an empty window from dividing by 0
  const peakP99 = Math.max(0, ...buckets.map((b) => b.p99Ms ?? 0));
  const slot = WIDTH / Math.max(1, buckets.length);
  const parts = [baseline()];
  buckets.forEach((bucket, i) => parts.push(...bars(bucket, i * slot, slot, peakCalls)));
  if (peakP99 > 0) parts.push(p99Line(buckets, slot, peakP99));
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  svg.replaceChildren(...parts);
  svg.setAttribute('aria-label', summary(stats, busiest, peakP99));
  return { busiest, peakP99 };
}

function bars(bucket, x, slot, peakCalls) {
  const calls = bucket.calls || 0;
  if (calls === 0) return [];
  const plot = HEIGHT - TOP;
  const height = (calls / peakCalls) * plot;
  const failed = ((bucket.errors || 0) / peakCalls) * plot;
  const width = Math.max(1, slot * 0.8);
  const shapes = [rect('chart-calls', x + slot * 0.1, HEIGHT - height, width, height - failed, bucketTitle(bucket))];
  if (failed > 0) {
    shapes.push(rect('chart-errors', x + slot * 0.1, HEIGHT - failed, width, failed, bucketTitle(bucket)));
  }
  return shapes;
}

/** The p99 of every bucket that had calls, joined; an empty bucket breaks the line. */
function p99Line(buckets, slot, peakP99) {
  let d = '';
  let drawing = false;
  buckets.forEach((bucket, i) => {
    if (bucket.p99Ms === null || bucket.p99Ms === undefined) {
      drawing = false;
      return;
    }
    const x = i * slot + slot / 2;
    const y = HEIGHT - (bucket.p99Ms / peakP99) * (HEIGHT - TOP);
    const lone = !drawing && (buckets[i + 1]?.p99Ms ?? null) === null;
    // a lone point gets a short dash so it stays visible without a neighbour to join
    d += lone ? `M${fixed(x - slot * 0.4)} ${fixed(y)}H${fixed(x + slot * 0.4)}` : `${drawing ? 'L' : 'M'}${fixed(x)} ${fixed(y)}`;
    drawing = true;
  });
  return node('path', { class: 'chart-p99', d, 'vector-effect': 'non-scaling-stroke' });
}

function baseline() {
  return node('line', { class: 'chart-axis', x1: 0, y1: HEIGHT - 0.5, x2: WIDTH, y2: HEIGHT - 0.5,
    'vector-effect': 'non-scaling-stroke' });
}

function rect(className, x, y, width, height, title) {
  const shape = node('rect', { class: className, x: fixed(x), y: fixed(y), width: fixed(width), height: fixed(Math.max(0, height)) });
  shape.append(node('title', {}, title));
  return shape;
}

function bucketTitle(bucket) {
  const at = new Date(bucket.start);
  const time = Number.isNaN(at.getTime()) ? String(bucket.start) : at.toLocaleTimeString();
  const p99 = bucket.p99Ms === null || bucket.p99Ms === undefined ? '' : `, p99 ${bucket.p99Ms} ms`;
  return `${time}: ${bucket.calls} calls, ${bucket.errors} errors${p99}`;
}

/** What a screen reader hears for the picture: the figures it shows, in words. */
function summary(stats, busiest, peakP99) {
  const total = stats.calls ?? 0;
  if (!total) return `No calls in the last ${stats.windowSeconds} seconds.`;
  return `Calls per 10 seconds over the last ${stats.windowSeconds} seconds: ${total} calls, ${stats.errors ?? 0} errors,`
    + ` at most ${busiest} in 10 seconds; p99 up to ${peakP99.toFixed(1)} ms.`;
}

function node(tag, attributes, text) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

function fixed(value) {
  return Number(value.toFixed(2));
}
