import { BusinessCalendar, isOpen } from './business-hours';
import { DomainRuleError } from './field-violation';
import { parseInstant } from './time-zone';

export const ROUTING_RULE_KINDS = ['ACCOUNT_OWNER', 'TERRITORY', 'FALLBACK'] as const;
export type RoutingRuleKind = (typeof ROUTING_RULE_KINDS)[number];

export const ROUTING_STRATEGIES = ['ROUND_ROBIN', 'WEIGHTED_ROUND_ROBIN', 'LEAST_LOADED'] as const;
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];

export const ROUTING_SKIP_REASONS = ['UNKNOWN_REP', 'INACTIVE', 'OUT_OF_OFFICE', 'AT_CAPACITY', 'OUTSIDE_HOURS', 'INVALID_CALENDAR'] as const;
export type RoutingSkipReason = (typeof ROUTING_SKIP_REASONS)[number];

export interface RepPool {
  id: string;
  strategy: RoutingStrategy;
  repIds: string[];
  /** WEIGHTED_ROUND_ROBIN: positive integers by rep id; falls back to the rep's own weight, then 1. */
  weights?: Record<string, number>;
}

/** Absent or empty lists match anything. */
export interface TerritoryMatch {
  regions?: string[];
  sizeBands?: string[];
  industries?: string[];
}

export type RoutingRule =
  | { id: string; kind: 'ACCOUNT_OWNER' }
  | { id: string; kind: 'TERRITORY'; match: TerritoryMatch; pool: RepPool }
  | { id: string; kind: 'FALLBACK'; repId?: string; queue?: string };

export interface RoutingRep {
  id: string;
  active: boolean;
  /** ISO instants, [from, to). */
  outOfOffice: { from: string; to: string }[];
  maxOpenLeads: number;
  openLeads: number;
  calendar: BusinessCalendar;
  weight?: number;
}

export interface RoutingLead {
  accountOwnerId?: string;
  region?: string;
  sizeBand?: string;
  industry?: string;
  hot: boolean;
}

export interface RoutingInput {
  lead: RoutingLead;
  rules: readonly RoutingRule[];
  reps: readonly RoutingRep[];
  /** Durable round-robin cursors by pool id. */
  pointers: Readonly<Record<string, number>>;
  now: Date;
}

export interface RoutingTraceEntry {
  ruleId: string;
  kind: RoutingRuleKind;
  matched: boolean;
  reason: string;
  skipped: { repId: string; reason: RoutingSkipReason }[];
}

export interface RoutingDecision {
  repId?: string;
  queue?: string;
  /** The rule that decided; absent when nothing could take the lead. */
  ruleId?: string;
  /** Store this cursor (compare-and-set on the old value) so concurrent routings do not collide. */
  pointerUpdate?: { poolId: string; next: number };
  trace: RoutingTraceEntry[];
}

type Skipped = RoutingTraceEntry['skipped'];

function ineligibility(repId: string, input: RoutingInput): RoutingSkipReason | undefined {
  const rep = input.reps.find((r) => r.id === repId);
  if (!rep) return 'UNKNOWN_REP';
  if (!rep.active) return 'INACTIVE';
  const now = input.now;
  const away = rep.outOfOffice.some((p, i) => {
    const from = parseInstant(p.from, `reps.${rep.id}.outOfOffice[${i}].from`);
    const to = parseInstant(p.to, `reps.${rep.id}.outOfOffice[${i}].to`);
    return from <= now && now < to;
  });
  if (away) return 'OUT_OF_OFFICE';
  if (rep.openLeads >= rep.maxOpenLeads) return 'AT_CAPACITY';
  if (input.lead.hot) {
    try {
      if (!isOpen(rep.calendar, now)) return 'OUTSIDE_HOURS';
    } catch (e) {
      if (e instanceof DomainRuleError) return 'INVALID_CALENDAR';
      throw e;
    }
  }
  return undefined;
}

const norm = (s: string | undefined) => (s ?? '').trim().toLowerCase();

function territoryMismatch(match: TerritoryMatch, lead: RoutingLead): string | undefined {
  const checks: [string, string[] | undefined, string | undefined][] = [
    ['region', match.regions, lead.region],
    ['size band', match.sizeBands, lead.sizeBand],
    ['industry', match.industries, lead.industry],
  ];
  for (const [label, allowed, value] of checks) {
    if (allowed && allowed.length > 0 && !allowed.some((a) => norm(a) === norm(value))) {
      return `${label} ${value ?? '(unknown)'} not in [${allowed.join(', ')}]`;
    }
  }
  return undefined;
}

const mod = (a: number, n: number) => ((Math.floor(a) % n) + n) % n;

/** Smooth weighted round robin (as nginx): one cycle of sum(weights) slots, interleaved. */
export function weightedSchedule(repIds: readonly string[], weights: readonly number[]): string[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const current = weights.map(() => 0);
  const out: string[] = [];
  for (let k = 0; k < total; k += 1) {
    let best = -1;
    for (let i = 0; i < repIds.length; i += 1) {
      current[i] += weights[i];
      if (weights[i] > 0 && (best < 0 || current[i] > current[best])) best = i;
    }
    current[best] -= total;
    out.push(repIds[best]);
  }
  return out;
}

interface PoolPick {
  repId?: string;
  next?: number;
  skipped: Skipped;
  reason: string;
}

function pickFromPool(pool: RepPool, input: RoutingInput): PoolPick {
  const skipped: Skipped = [];
  const verdicts = new Map<string, RoutingSkipReason | undefined>();
  const check = (repId: string) => {
    if (!verdicts.has(repId)) {
      const why = ineligibility(repId, input);
      verdicts.set(repId, why);
      if (why) skipped.push({ repId, reason: why });
    }
    return verdicts.get(repId) === undefined;
  };
  const ids = pool.repIds;
  if (ids.length === 0) return { skipped, reason: `pool ${pool.id} has no reps` };
  const cursor = input.pointers[pool.id] ?? 0;

  if (pool.strategy === 'WEIGHTED_ROUND_ROBIN') {
    const weights = ids.map((id) => {
      const w = pool.weights?.[id] ?? input.reps.find((r) => r.id === id)?.weight ?? 1;
      return Number.isInteger(w) && w > 0 ? w : 0;
    });
    const schedule = weightedSchedule(ids, weights);
    if (schedule.length === 0) return { skipped, reason: `pool ${pool.id} has no positive weights` };
    const start = mod(cursor, schedule.length);
    for (let j = 0; j < schedule.length; j += 1) {
      const slot = (start + j) % schedule.length;
      if (check(schedule[slot])) {
        return { repId: schedule[slot], next: (slot + 1) % schedule.length, skipped, reason: `weighted round robin slot ${slot} of ${schedule.length}` };
      }
    }
    return { skipped, reason: `no eligible rep in pool ${pool.id}` };
  }

  const start = mod(cursor, ids.length);
  const order = ids.map((_, j) => (start + j) % ids.length);
  if (pool.strategy === 'LEAST_LOADED') {
    const eligible = order.filter((i) => check(ids[i]));
    if (eligible.length === 0) return { skipped, reason: `no eligible rep in pool ${pool.id}` };
    const load = (i: number) => input.reps.find((r) => r.id === ids[i])!.openLeads;
    // Ties go to the first in rotation order, so equal loads still take turns.
    const best = eligible.reduce((a, b) => (load(b) < load(a) ? b : a));
    return { repId: ids[best], next: (best + 1) % ids.length, skipped, reason: `least loaded (${load(best)} open leads)` };
  }
  for (const i of order) {
    if (check(ids[i])) return { repId: ids[i], next: (i + 1) % ids.length, skipped, reason: `round robin position ${i} of ${ids.length}` };
  }
  return { skipped, reason: `no eligible rep in pool ${pool.id}` };
}

/**
 * Ordered, explainable routing: the first rule that yields an eligible rep (or a queue) wins.
 * Eligible = known, active, not out of office, below max open leads and, for hot leads, inside
 * working hours — the same test for account owners and pool members. A FALLBACK takes its rep
 * when that rep is known and active, else its queue.
 */
export function chooseRep(input: RoutingInput): RoutingDecision {
  const trace: RoutingTraceEntry[] = [];
  for (const rule of input.rules) {
    if (rule.kind === 'ACCOUNT_OWNER') {
      const owner = input.lead.accountOwnerId;
      if (!owner) {
        trace.push({ ruleId: rule.id, kind: rule.kind, matched: false, reason: 'account has no owner', skipped: [] });
        continue;
      }
      const why = ineligibility(owner, input);
      if (why) {
        trace.push({ ruleId: rule.id, kind: rule.kind, matched: false, reason: `account owner ${owner} is not eligible`, skipped: [{ repId: owner, reason: why }] });
        continue;
      }
      trace.push({ ruleId: rule.id, kind: rule.kind, matched: true, reason: `account owner ${owner}`, skipped: [] });
      return { repId: owner, ruleId: rule.id, trace };
    }
    if (rule.kind === 'TERRITORY') {
      const mismatch = territoryMismatch(rule.match, input.lead);
      if (mismatch) {
        trace.push({ ruleId: rule.id, kind: rule.kind, matched: false, reason: mismatch, skipped: [] });
        continue;
      }
      const pick = pickFromPool(rule.pool, input);
      trace.push({ ruleId: rule.id, kind: rule.kind, matched: pick.repId !== undefined, reason: pick.reason, skipped: pick.skipped });
      if (pick.repId !== undefined) {
        return { repId: pick.repId, ruleId: rule.id, pointerUpdate: { poolId: rule.pool.id, next: pick.next! }, trace };
      }
      continue;
    }
    const rep = rule.repId ? input.reps.find((r) => r.id === rule.repId) : undefined;
    if (rep?.active) {
      trace.push({ ruleId: rule.id, kind: rule.kind, matched: true, reason: `fallback owner ${rep.id}`, skipped: [] });
      return { repId: rep.id, ruleId: rule.id, trace };
    }
    const skipped: Skipped = rule.repId ? [{ repId: rule.repId, reason: rep ? 'INACTIVE' : 'UNKNOWN_REP' }] : [];
    if (rule.queue) {
      trace.push({ ruleId: rule.id, kind: rule.kind, matched: true, reason: `fallback queue ${rule.queue}`, skipped });
      return { queue: rule.queue, ruleId: rule.id, trace };
    }
    trace.push({ ruleId: rule.id, kind: rule.kind, matched: false, reason: 'fallback has no usable rep or queue', skipped });
  }
  return { trace };
}
