import { StageDefinitionContent } from '../stage-definition';

export const DEFINITION_CHANGE_KINDS = ['ADDED', 'REMOVED', 'CHANGED'] as const;
export type DefinitionChangeKind = (typeof DEFINITION_CHANGE_KINDS)[number];

/**
 * One difference between two stage definition versions.
 * `path` names the field: `scoring.weights.DEMO_REQUEST`, `triggers[PRICING_PAGE_REPEAT].count`,
 * `icp.industries[Retail]` (a set member), `cadence.steps[3].channel` (by position).
 * ADDED carries `to`, REMOVED carries `from`, CHANGED carries both.
 */
export interface DefinitionChange {
  path: string;
  kind: DefinitionChangeKind;
  from?: unknown;
  to?: unknown;
}

/**
 * Arrays of objects matched by a key instead of by position (paths without indices).
 * Any other array of objects (e.g. `cadence.steps`) is matched by position.
 */
const ARRAY_KEYS: Readonly<Record<string, string>> = {
  triggers: 'id',
  rejectionCodes: 'code',
  disqualificationReasons: 'code',
  recycle: 'reason',
  'icp.sizeBands': 'id',
};

type Segment = { key: string } | { index: number } | { member: string };

interface RawChange {
  segments: Segment[];
  kind: DefinitionChangeKind;
  from?: unknown;
  to?: unknown;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPrimitive = (v: unknown): boolean => v === null || (typeof v !== 'object' && typeof v !== 'function');

function render(segments: Segment[]): string {
  let out = '';
  for (const s of segments) {
    if ('key' in s) out += out === '' ? s.key : `.${s.key}`;
    else if ('index' in s) out += `[${s.index}]`;
    else out += `[${s.member}]`;
  }
  return out;
}

/** The path of the array's fields without element selectors, to look up ARRAY_KEYS: 'icp.sizeBands'. */
const keyPath = (segments: Segment[]): string =>
  segments
    .filter((s): s is { key: string } => 'key' in s)
    .map((s) => s.key)
    .join('.');

function compareSegments(a: Segment[], b: Segment[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) {
    const x = a[i];
    const y = b[i];
    if ('index' in x && 'index' in y) {
      if (x.index !== y.index) return x.index - y.index;
      continue;
    }
    const sx = 'key' in x ? x.key : 'member' in x ? x.member : String(x.index);
    const sy = 'key' in y ? y.key : 'member' in y ? y.member : String(y.index);
    if (sx !== sy) return sx < sy ? -1 : 1;
  }
  return a.length - b.length;
}

/** Key of every element, or undefined when an element lacks it or two elements share it (then: by position). */
function keysOf(list: unknown[], key: string): string[] | undefined {
  const keys = list.map((e) => (isPlainObject(e) && typeof e[key] === 'string' ? (e[key] as string) : undefined));
  if (keys.some((k) => k === undefined) || new Set(keys).size !== keys.length) return undefined;
  return keys as string[];
}

function diffArrays(from: unknown[], to: unknown[], at: Segment[], out: RawChange[]): void {
  if (from.every(isPrimitive) && to.every(isPrimitive)) {
    // A set: only membership counts, not order or repetition.
    const a = new Set(from);
    const b = new Set(to);
    for (const m of a) if (!b.has(m)) out.push({ segments: [...at, { member: String(m) }], kind: 'REMOVED', from: m });
    for (const m of b) if (!a.has(m)) out.push({ segments: [...at, { member: String(m) }], kind: 'ADDED', to: m });
    return;
  }
  const key = ARRAY_KEYS[keyPath(at)];
  const fromKeys = key === undefined ? undefined : keysOf(from, key);
  const toKeys = key === undefined ? undefined : keysOf(to, key);
  if (fromKeys && toKeys) {
    const toByKey = new Map(toKeys.map((k, i) => [k, to[i]] as const));
    const fromByKey = new Map(fromKeys.map((k, i) => [k, from[i]] as const));
    fromKeys.forEach((k, i) => {
      const seg = [...at, { member: k }];
      if (toByKey.has(k)) diffValues(from[i], toByKey.get(k), seg, out);
      else out.push({ segments: seg, kind: 'REMOVED', from: from[i] });
    });
    toKeys.forEach((k, i) => {
      if (!fromByKey.has(k)) out.push({ segments: [...at, { member: k }], kind: 'ADDED', to: to[i] });
    });
    return;
  }
  const n = Math.max(from.length, to.length);
  for (let i = 0; i < n; i += 1) {
    const seg = [...at, { index: i }];
    if (i >= to.length) out.push({ segments: seg, kind: 'REMOVED', from: from[i] });
    else if (i >= from.length) out.push({ segments: seg, kind: 'ADDED', to: to[i] });
    else diffValues(from[i], to[i], seg, out);
  }
}

function diffValues(from: unknown, to: unknown, at: Segment[], out: RawChange[]): void {
  if (from === undefined && to === undefined) return;
  if (from === undefined) {
    out.push({ segments: at, kind: 'ADDED', to });
    return;
  }
  if (to === undefined) {
    out.push({ segments: at, kind: 'REMOVED', from });
    return;
  }
  if (Array.isArray(from) && Array.isArray(to)) return diffArrays(from, to, at, out);
  if (isPlainObject(from) && isPlainObject(to)) {
    const keys = new Set([...Object.keys(from), ...Object.keys(to)]);
    for (const k of keys) diffValues(from[k], to[k], [...at, { key: k }], out);
    return;
  }
  if (!Object.is(from, to)) out.push({ segments: at, kind: 'CHANGED', from, to });
}

/**
 * What changed from one version's content to another, ordered by path (index positions
 * numerically). Triggers, rejection codes, disqualification reasons, recycle policies and size
 * bands are matched by their id / code / reason, so reordering them is not a change; arrays of
 * plain values (industries, regions, event types, required fields, ...) are sets. A property
 * that is `undefined` counts as absent. Identical contents give [].
 */
export function diffStageDefinitions(from: StageDefinitionContent, to: StageDefinitionContent): DefinitionChange[] {
  const raw: RawChange[] = [];
  diffValues(from, to, [], raw);
  return raw
    .sort((a, b) => compareSegments(a.segments, b.segments))
    .map(({ segments, kind, from: f, to: t }) => {
      const change: DefinitionChange = { path: render(segments), kind };
      if (kind !== 'ADDED') change.from = f;
      if (kind !== 'REMOVED') change.to = t;
      return change;
    });
}
