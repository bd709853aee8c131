// Small helpers the benches share: percentiles and seeded randomness.

/** The p-quantile (0..1) of ascending `sorted`, linearly interpolated; NaN when empty. */
export function pct(sorted, p) {
  if (sorted.length === 0) return NaN;
  const x = (sorted.length - 1) * p;
  const lo = Math.floor(x);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (x - lo);
}

/** n, p50, p90, p99 and max of `values` (any order). */
export function summary(values) {
  const v = [...values].sort((a, b) => a - b);
  return { n: v.length, p50: pct(v, 0.5), p90: pct(v, 0.9), p99: pct(v, 0.99), max: v.length ? v.at(-1) : NaN };
}

/** mulberry32: a tiny seeded generator of floats in [0, 1), so a run can be replayed. */
export function mulberry32(seed) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
