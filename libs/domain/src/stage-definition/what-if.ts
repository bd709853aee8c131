import { EngagementEvent, TimedEvent } from '../engagement-event';
import { FieldViolation, DomainRuleError } from '../field-violation';
import { evaluateHandoff, HandoffOutcome, HandoffProfile, requiredFieldsMissing } from '../handoff';
import { evaluateFit } from '../icp-fit';
import { EngagementType, HandoffTrigger, StageDefinitionContent, validateStageDefinition } from '../stage-definition';
import { parseInstant } from '../time-zone';

export const SALES_DECISIONS = ['ACCEPTED', 'REJECTED'] as const;
export type SalesDecision = (typeof SALES_DECISIONS)[number];

/** One real lead to replay: its profile as known today and all of its engagement events. */
export interface SimLead {
  leadId: string;
  /** Grouping key of `bySource` (e.g. 'paid-search'). */
  source: string;
  /** Grouping key of `bySegment` (e.g. the size band '51-200'). */
  segment: string;
  profile: HandoffProfile;
  /** All of the lead's events; those before the window are history, those after `now` are ignored. */
  events: EngagementEvent[];
  /** What sales decided when the lead was routed for real, if it was. */
  salesDecision?: SalesDecision;
}

export interface SimulationResult {
  /** Leads that became MQL at least once in the window. */
  mqls: number;
  /** Leads that were INCOMPLETE at some point in the window and never MQL. */
  incomplete: number;
  /** MQLs per `SimLead.source`. */
  bySource: Record<string, number>;
  /** MQLs per `SimLead.segment`. */
  bySegment: Record<string, number>;
  /** Leads sales accepted that are MQL under this definition. */
  acceptedThatQualify: number;
  /** Leads sales rejected that are MQL under this definition. */
  rejectedThatQualify: number;
}

export interface WhatIfResult {
  draft: SimulationResult;
  active: SimulationResult;
  /** Leads with at least one event in the window. */
  leadsEvaluated: number;
  /** Distinct events (by id, per lead) in the window, counted once for both definitions. */
  eventsReplayed: number;
}

export interface WhatIfInput {
  leads: SimLead[];
  draft: StageDefinitionContent;
  active: StageDefinitionContent;
  now: Date;
  /** The window is [now - days x 24 h, now], both bounds included. */
  days: number;
}

/** One lead replayed under one definition. */
export interface LeadReplay {
  /** MQL if it ever was; else INCOMPLETE if it ever was; else ENGAGED. */
  outcome: HandoffOutcome;
  /** The first instant (ISO, UTC) at which the lead was an MQL. */
  mqlAt?: string;
  /** How many times `evaluateHandoff` actually ran (the rest were ruled out cheaply). */
  evaluations: number;
}

const MS_PER_DAY = 86_400_000;
const MAX_DAYS = 3650;

/** A lead's events deduplicated (first id wins, as `eventsUpTo`), up to `now`, ordered by time then id. */
interface Timeline {
  events: TimedEvent[];
  /** Index of the first event in the window. */
  start: number;
}

function timelineOf(events: readonly EngagementEvent[], now: Date, from: number, field: string): Timeline {
  const seen = new Set<string>();
  const out: TimedEvent[] = [];
  events.forEach((e, i) => {
    const at = parseInstant(e.occurredAt, `${field}[${i}].occurredAt`);
    if (seen.has(e.id)) return;
    seen.add(e.id);
    if (at.getTime() <= now.getTime()) out.push({ ...e, at });
  });
  out.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let start = 0;
  while (start < out.length && out[start].at.getTime() < from) start += 1;
  return { events: out, start };
}

/**
 * Exact, incremental test of "could any trigger fire at t": the same windows as
 * `evaluateTriggers`, without rescanning. RETURN_VISIT never fires here (no outreach data).
 */
class TriggerWatch {
  private readonly at: number[] = [];
  private lo = 0;
  private lastTight = -1;
  private readonly count: number;
  private readonly windowMs: number;
  private readonly lookbackMs: number;

  constructor(readonly trigger: HandoffTrigger) {
    this.count = trigger.count ?? 1;
    this.windowMs = (trigger.withinDays ?? 0) * MS_PER_DAY;
    this.lookbackMs = trigger.lookbackDays * MS_PER_DAY;
  }

  add(type: EngagementType, at: number): void {
    if (!this.trigger.eventTypes.includes(type)) return;
    this.at.push(at);
    const m = this.at.length - 1;
    if (m >= this.count - 1 && at - this.at[m - this.count + 1] <= this.windowMs) this.lastTight = m;
  }

  canFire(t: number): boolean {
    const since = t - this.lookbackMs;
    while (this.lo < this.at.length && this.at[this.lo] < since) this.lo += 1;
    switch (this.trigger.kind) {
      case 'EVENT':
      case 'CONTENT_WITH_FIT': // only watched when the lead fits or could fit, which is what evaluateHandoff passes
        return this.lo < this.at.length;
      case 'REPEATED':
        // The latest group of `count` inside its rolling window must lie entirely inside the lookback.
        return this.lastTight >= this.lo + this.count - 1;
      default:
        return false;
    }
  }
}

/**
 * An upper bound of the intent score at t, kept incrementally: per type, the decayed sum of
 * weights (each line rounds to 2 decimals: at most +0.005, and at most twice its value), capped.
 */
class ScoreBound {
  private readonly sums = new Map<EngagementType, { decayed: number; n: number }>();
  private last: number | undefined;

  constructor(private readonly definition: StageDefinitionContent) {}

  add(type: EngagementType, at: number): void {
    const weight = this.definition.scoring.weights[type] ?? 0;
    if (weight <= 0) return;
    this.decayTo(at);
    const s = this.sums.get(type) ?? { decayed: 0, n: 0 };
    s.decayed += weight;
    s.n += 1;
    this.sums.set(type, s);
  }

  atMost(t: number): number {
    this.decayTo(t);
    let bound = 0.01; // the score itself is rounded once more
    for (const [type, s] of this.sums) {
      const cap = this.definition.scoring.caps[type];
      const lines = Math.min(s.decayed + 0.005 * s.n, 2 * s.decayed);
      bound += cap === undefined ? lines : Math.min(cap + 0.01, lines);
    }
    return bound * (1 + 1e-9) + 1e-9; // floating-point slack of the incremental decay
  }

  private decayTo(t: number): void {
    if (this.last !== undefined && t > this.last) {
      const factor = 0.5 ** ((t - this.last) / (this.definition.scoring.halfLifeDays * MS_PER_DAY));
      for (const s of this.sums.values()) s.decayed *= factor;
    }
    this.last = this.last === undefined ? t : Math.max(this.last, t);
  }
}

function replayTimeline(profile: HandoffProfile, timeline: Timeline, definition: StageDefinitionContent): LeadReplay {
  const { events, start } = timeline;
  const fit = evaluateFit(profile, definition.icp);
  // Fit is fixed for the whole replay: a lead that cannot fit is ENGAGED at every instant.
  if (start >= events.length || (!fit.fit && !fit.possible)) return { outcome: 'ENGAGED', evaluations: 0 };
  // Fields other than content and score do not change with events; without them (or without fit) MQL is out of reach.
  const fixedMissing = requiredFieldsMissing(
    { ...profile, contentConsumed: profile.contentConsumed ?? ['(derived from events)'], intentScore: 0 },
    definition.requiredFields,
  );
  const canBeMql = fit.fit && fixedMissing.length === 0;

  const watches = definition.triggers.filter((t) => t.kind !== 'RETURN_VISIT').map((t) => new TriggerWatch(t));
  const bound = new ScoreBound(definition);
  const threshold = definition.scoring.mqlThreshold;
  let evaluations = 0;
  let incomplete = false;

  for (let i = 0; i < events.length; ) {
    // All events of one instant at once: evaluating after each of them would see the same events.
    const t = events[i].at.getTime();
    let j = i;
    for (; j < events.length && events[j].at.getTime() === t; j += 1) {
      for (const w of watches) w.add(events[j].type, t);
      bound.add(events[j].type, t);
    }
    const inWindow = j > start;
    i = j;
    if (!inWindow) continue;
    // Without a trigger or a reachable threshold the outcome is ENGAGED whatever else holds.
    if (!watches.some((w) => w.canFire(t)) && bound.atMost(t) < threshold) continue;
    evaluations += 1;
    const { outcome } = evaluateHandoff({ profile, events: events.slice(0, j), definition, now: new Date(t) });
    if (outcome === 'MQL') return { outcome, mqlAt: new Date(t).toISOString(), evaluations };
    if (outcome === 'INCOMPLETE') {
      incomplete = true;
      if (!canBeMql) break;
    }
  }
  return { outcome: incomplete ? 'INCOMPLETE' : 'ENGAGED', evaluations };
}

const windowStart = (now: Date, days: number): number => now.getTime() - days * MS_PER_DAY;

function checkWindow(now: unknown, days: unknown): FieldViolation[] {
  const out: FieldViolation[] = [];
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) out.push({ field: 'now', rule: 'VALID_INSTANT', message: 'now must be a valid Date' });
  if (typeof days !== 'number' || !Number.isFinite(days) || days <= 0 || days > MAX_DAYS) {
    out.push({ field: 'days', rule: 'RANGE', message: `days must be a number > 0 and <= ${MAX_DAYS}, got ${String(days)}` });
  }
  return out;
}

function fail(violations: FieldViolation[]): void {
  if (violations.length > 0) {
    throw new DomainRuleError('INVALID_SIMULATION', `the what-if input breaks ${violations.length} rule(s): ${violations.map((v) => v.field).join(', ')}`, violations);
  }
}

/**
 * One lead replayed under one definition over [now - days, now]: after each instant in the window
 * that has events, `evaluateHandoff` at that instant with every event up to it (history before
 * the window included). The first MQL instant wins.
 */
export function replayLead(lead: SimLead, definition: StageDefinitionContent, now: Date, days: number): LeadReplay {
  fail(checkWindow(now, days));
  return replayTimeline(lead.profile, timelineOf(lead.events, now, windowStart(now, days), 'events'), definition);
}

class Tally {
  private mqls = 0;
  private incomplete = 0;
  private accepted = 0;
  private rejected = 0;
  // Maps, not objects, while counting: a source named '__proto__' is just a source.
  private readonly bySource = new Map<string, number>();
  private readonly bySegment = new Map<string, number>();

  add(lead: SimLead, replay: LeadReplay): void {
    if (replay.outcome === 'INCOMPLETE') this.incomplete += 1;
    if (replay.outcome !== 'MQL') return;
    this.mqls += 1;
    this.bySource.set(lead.source, (this.bySource.get(lead.source) ?? 0) + 1);
    this.bySegment.set(lead.segment, (this.bySegment.get(lead.segment) ?? 0) + 1);
    if (lead.salesDecision === 'ACCEPTED') this.accepted += 1;
    if (lead.salesDecision === 'REJECTED') this.rejected += 1;
  }

  result(): SimulationResult {
    const sorted = (m: Map<string, number>) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return {
      mqls: this.mqls,
      incomplete: this.incomplete,
      bySource: sorted(this.bySource),
      bySegment: sorted(this.bySegment),
      acceptedThatQualify: this.accepted,
      rejectedThatQualify: this.rejected,
    };
  }
}

/**
 * What-if for an approval: the draft and the active definition replayed over the same leads and
 * window (see `replayLead`).
 *
 * Cost: per lead O(E log E) to order its E events, plus O(E x (T + K)) for the cheap exact trigger
 * test and the score bound (T triggers, K weighted types), plus O(E log E) for each instant that
 * is actually evaluated. Evaluations stop at the first MQL (or at INCOMPLETE when MQL is out of
 * reach) and are skipped for leads that cannot fit, so usually a lead costs one or two; the worst
 * case, a fit lead whose intent is possible at many instants without qualifying (content missing,
 * or a score just under the threshold), is O(E^2 log E) for that lead.
 */
export function simulateDefinitions(input: WhatIfInput): WhatIfResult {
  const violations = checkWindow(input?.now, input?.days);
  for (const [name, definition] of [['draft', input?.draft], ['active', input?.active]] as const) {
    const found = definition && typeof definition === 'object' ? validateStageDefinition(definition) : [{ field: 'content', rule: 'REQUIRED', message: 'a stage definition is required' }];
    violations.push(...found.map((v) => ({ ...v, field: `${name}.${v.field}` })));
  }
  const leads: unknown = input?.leads;
  if (!Array.isArray(leads)) violations.push({ field: 'leads', rule: 'LIST', message: 'must be a list' });
  const ids = new Set<string>();
  (Array.isArray(leads) ? (leads as SimLead[]) : []).forEach((lead, i) => {
    const f = `leads[${i}]`;
    if (typeof lead?.leadId !== 'string' || lead.leadId.trim() === '') violations.push({ field: `${f}.leadId`, rule: 'REQUIRED', message: 'a lead needs an id' });
    else if (ids.has(lead.leadId)) violations.push({ field: `${f}.leadId`, rule: 'UNIQUE', message: `'${lead.leadId}' appears more than once` });
    else ids.add(lead.leadId);
    if (typeof lead?.source !== 'string') violations.push({ field: `${f}.source`, rule: 'STRING', message: 'must be a string' });
    if (typeof lead?.segment !== 'string') violations.push({ field: `${f}.segment`, rule: 'STRING', message: 'must be a string' });
    if (!lead?.profile || typeof lead.profile !== 'object') violations.push({ field: `${f}.profile`, rule: 'REQUIRED', message: 'a lead needs a profile' });
    if (!Array.isArray(lead?.events)) violations.push({ field: `${f}.events`, rule: 'LIST', message: 'must be a list' });
    if (lead?.salesDecision !== undefined && !SALES_DECISIONS.includes(lead.salesDecision)) {
      violations.push({ field: `${f}.salesDecision`, rule: 'KNOWN_DECISION', message: `must be one of ${SALES_DECISIONS.join(', ')}` });
    }
  });
  fail(violations);

  const from = windowStart(input.now, input.days);
  const draft = new Tally();
  const active = new Tally();
  let leadsEvaluated = 0;
  let eventsReplayed = 0;
  input.leads.forEach((lead, i) => {
    const timeline = timelineOf(lead.events, input.now, from, `leads[${i}].events`);
    const inWindow = timeline.events.length - timeline.start;
    if (inWindow === 0) return;
    leadsEvaluated += 1;
    eventsReplayed += inWindow;
    draft.add(lead, replayTimeline(lead.profile, timeline, input.draft));
    active.add(lead, replayTimeline(lead.profile, timeline, input.active));
  });
  return { draft: draft.result(), active: active.result(), leadsEvaluated, eventsReplayed };
}
