import { BusinessCalendar } from '../business-hours';
import { firstTouchSlaKind, SlaKind, slaDueAt } from '../sla';
import { SlaTerms } from '../stage-definition';
import { LifecycleEvent } from './native-format';

/**
 * The order rules of imported history: which stage a lead must be in (at the event's instant)
 * for each lifecycle event, and the stage it moves to. Null = the event is not a stage change.
 */
export const PRE_MQL_STAGES = ['FIRST_TOUCH', 'ENGAGED', 'INCOMPLETE'] as const;
const POST_MQL = ['MQL', 'SAL', 'SQL', 'OPPORTUNITY', 'CLOSED_WON', 'CLOSED_LOST', 'REJECTED', 'DISQUALIFIED', 'RECYCLED'];

export const EVENT_RULES: Record<LifecycleEvent | 'OPPORTUNITY' | 'CLOSED', { from: readonly string[]; to: string | null }> = {
  MQL: { from: PRE_MQL_STAGES, to: 'MQL' },
  ROUTED: { from: ['MQL'], to: null },
  REASSIGNED: { from: ['MQL', 'SAL'], to: null },
  ACCEPTED: { from: ['MQL'], to: 'SAL' },
  REJECTED: { from: ['MQL'], to: 'REJECTED' },
  SALES_TOUCH: { from: POST_MQL, to: null },
  SQL: { from: ['SAL'], to: 'SQL' },
  DISQUALIFIED: { from: ['MQL', 'SAL', 'SQL'], to: 'DISQUALIFIED' },
  RECYCLED: { from: ['REJECTED', 'DISQUALIFIED'], to: 'RECYCLED' },
  REENGAGED: { from: ['RECYCLED'], to: 'ENGAGED' },
  OPPORTUNITY: { from: ['SQL'], to: 'OPPORTUNITY' },
  CLOSED: { from: ['OPPORTUNITY'], to: null },
};

/** A lead's stage changes so far, in time order. */
export interface StageEntry {
  at: number;
  stage: string;
}

/** The stage after every change at or before `at` (null before the lead existed). */
export function stageAt(entries: readonly StageEntry[], at: number): string | null {
  let stage: string | null = null;
  for (const e of entries) {
    if (e.at > at) break;
    stage = e.stage;
  }
  return stage;
}

/** Inserts keeping time order (equal instants: after the ones already there). */
export function insertByTime<T extends { at: number }>(entries: T[], entry: T): void {
  let i = entries.length;
  while (i > 0 && entries[i - 1].at > entry.at) i--;
  entries.splice(i, 0, entry);
}

/**
 * Why `event` at `at` cannot follow the lead's recorded history, or null when it can. A
 * stage change must come after the lead's last recorded stage change (history is appended,
 * never rewritten) and from a stage the event allows; other events need an allowed stage at
 * their instant.
 */
export function orderViolation(entries: readonly StageEntry[], event: keyof typeof EVENT_RULES, at: number, toStage: string | null = EVENT_RULES[event].to): string | null {
  const rule = EVENT_RULES[event];
  const current = stageAt(entries, at);
  if (current === null) return `${event} at ${new Date(at).toISOString()} is before the person was created`;
  if (!rule.from.includes(current)) return `${event} needs the lead in ${rule.from.join(' or ')}, but at ${new Date(at).toISOString()} it is ${current}`;
  if (toStage !== null) {
    const last = entries[entries.length - 1];
    if (last && last.at > at) return `${event} at ${new Date(at).toISOString()} is earlier than the lead's recorded ${last.stage} at ${new Date(last.at).toISOString()}`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Historical SLA clocks

export interface HistoricalRouting {
  at: Date;
  /** The next routing of the lead (the clock's rep was replaced then), if any. */
  nextRoutingAt: Date | null;
  calendar: BusinessCalendar;
  demoRequest: boolean;
  hot: boolean;
  /** The first acceptance or rejection after the routing (before the next one). */
  decision: { at: Date; stage: 'SAL' | 'REJECTED' } | null;
  /** The routed rep's first touch after the routing (before the next one). */
  firstTouchAt: Date | null;
  /** The lead's first stage change after the routing that is not an acceptance (it moved on). */
  movedOnAt: Date | null;
}

export interface HistoricalClock {
  kind: SlaKind;
  startedAt: Date;
  dueAt: Date;
  status: 'PENDING' | 'MET' | 'BREACHED' | 'CANCELLED';
  metAt: Date | null;
  breachedAt: Date | null;
}

function settle(kind: SlaKind, startedAt: Date, dueAt: Date, doneAt: Date | null, endedAt: Date | null, now: Date): HistoricalClock {
  const base = { kind, startedAt, dueAt, metAt: null, breachedAt: null };
  if (doneAt && doneAt <= dueAt) return { ...base, status: 'MET', metAt: doneAt };
  // Done late, or never done and past due: a breach at the due instant.
  if (doneAt || (!endedAt && now > dueAt) || (endedAt && endedAt > dueAt)) return { ...base, status: 'BREACHED', breachedAt: dueAt };
  // The rep was replaced (or the lead left the queue) before it fell due.
  if (endedAt) return { ...base, status: 'CANCELLED' };
  return { ...base, status: 'PENDING' };
}

/**
 * The ACCEPT and first-touch clocks a routing would have run (docs/import.md): due instants by
 * `slaDueAt` in the rep's calendar; MET when done by due, BREACHED (at due) when done late or
 * not at all once due passed, CANCELLED when the rep was replaced or the lead rejected before due.
 */
export function historicalClocks(r: HistoricalRouting, terms: SlaTerms, now: Date): HistoricalClock[] {
  const acceptDue = slaDueAt('ACCEPT', terms, r.calendar, r.at);
  const endOfWatch = (...ats: (Date | null)[]) => ats.filter((d): d is Date => d !== null).sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
  const accept = settle('ACCEPT', r.at, acceptDue, r.decision?.at ?? null, endOfWatch(r.nextRoutingAt, r.movedOnAt), now);
  const kind = firstTouchSlaKind({ demoRequest: r.demoRequest, hot: r.hot });
  const touchDue = slaDueAt(kind, terms, r.calendar, r.at);
  const rejectedAt = r.decision?.stage === 'REJECTED' ? r.decision.at : null;
  const touch = settle(kind, r.at, touchDue, r.firstTouchAt, endOfWatch(r.nextRoutingAt, rejectedAt, r.movedOnAt), now);
  return [accept, touch];
}
