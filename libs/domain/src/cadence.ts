import { addBusinessDays, BusinessCalendar, businessDayOf, endOfBusinessDate, startOfBusinessDay } from './business-hours';
import { CadencePlan, DisqualificationReason, StageDefinitionContent, TouchChannel } from './stage-definition';
import { localDateOf, parseInstant } from './time-zone';

export interface PlannedTouch {
  /** 1-based position in the plan. */
  step: number;
  day: number;
  channel: TouchChannel;
  /** Close of the plan day's business day in the rep's calendar. */
  dueAt: Date;
}

/** A logged touch as it travels (JSON). */
export interface LoggedTouch {
  occurredAt: string;
  channel: TouchChannel;
}

/** What makes a logged touch the one a touchId names: a retry repeats it; anything else under that id is a conflict. */
export interface TouchContent {
  channel: string;
  outcome: string;
  occurredAt: string | Date;
}

/** Whether two touches under one touchId are the same touch (a retry), not another one. */
export function isSameTouch(a: TouchContent, b: TouchContent): boolean {
  return a.channel === b.channel && a.outcome === b.outcome && new Date(a.occurredAt).getTime() === new Date(b.occurredAt).getTime();
}

export interface CadenceProgress {
  touches: number;
  /** Distinct local dates (owner's time zone) the touches fall on. */
  dates: number;
  firstTouchAt?: Date;
  /** When the cadence is (or will be, given the touches so far) complete; absent until enough touches on enough dates are logged. */
  completeAt?: Date;
  complete: boolean;
  /** What is still missing: touches, dates, and the instant windowDays x 24 h since the first touch pass (absent once passed or before any touch). */
  missing: { touches: number; dates: number; timeUntil?: Date };
}

export type CadenceRule = Pick<CadencePlan, 'minTouches' | 'windowDays'>;

/**
 * Schedules the plan into the rep's business days: day 1 is the business day open at
 * `startAt` (or the next one), day N the (N-1)-th business day after it; each step is due at
 * the close of its business day.
 */
export function planCadence(plan: CadencePlan, calendar: BusinessCalendar, startAt: Date): PlannedTouch[] {
  const day1 = businessDayOf(calendar, startAt);
  const closes = new Map<number, Date>();
  return plan.steps.map((s, i) => {
    let dueAt = closes.get(s.day);
    if (!dueAt) {
      dueAt = endOfBusinessDate(calendar, addBusinessDays(calendar, day1, s.day - 1))!;
      closes.set(s.day, dueAt);
    }
    return { step: i + 1, day: s.day, channel: s.channel, dueAt };
  });
}

/** Local dates (owner's time zone) a complete cadence's touches must spread over: eight touches in one sitting are one day's work. */
export const CADENCE_MIN_TOUCH_DATES = 5;

/** A planned step with its window: open from the start of its business day (day 1: acceptance) to its due instant plus the logging grace. */
export interface CadenceStepWindow extends PlannedTouch {
  opensAt: Date;
  closesAt: Date;
}

/** The plan scheduled from `acceptedAt`, each step with its window; `graceMinutes` is the definition's `sla.touchLoggingMinutes`. */
export function cadenceWindows(plan: CadencePlan, calendar: BusinessCalendar, acceptedAt: Date, graceMinutes: number): CadenceStepWindow[] {
  const firstDay = plan.steps[0]?.day;
  return planCadence(plan, calendar, acceptedAt).map((p) => {
    const date = addBusinessDays(calendar, businessDayOf(calendar, acceptedAt), p.day - 1);
    const opensAt = p.day === firstDay ? acceptedAt : startOfBusinessDay(calendar, date)!;
    return { ...p, opensAt, closesAt: new Date(p.dueAt.getTime() + graceMinutes * 60_000) };
  });
}

/** What the step-filling rule needs of a step. */
export interface StepSlot {
  channel: string;
  opensAt: Date;
  closesAt: Date;
  filled: boolean;
}

/**
 * A stored step as the filling rule sees it. A step planned before windows existed has none
 * stored: it is open from the start and closes at its due instant plus the logging grace.
 */
export function stepSlot(step: { channel: string; dueAt: string | Date; opensAt?: string | Date | null; closesAt?: string | Date | null; filled: boolean }, graceMinutes: number): StepSlot {
  const closesAt = step.closesAt ? new Date(step.closesAt) : new Date(new Date(step.dueAt).getTime() + graceMinutes * 60_000);
  return { channel: step.channel, opensAt: new Date(step.opensAt ?? 0), closesAt, filled: step.filled };
}

/** Whether `at` lies in the step's window [opensAt, closesAt]. */
export function inStepWindow(step: Pick<StepSlot, 'opensAt' | 'closesAt'>, at: Date): boolean {
  return step.opensAt <= at && at <= step.closesAt;
}

/**
 * The index of the step a touch fills: the earliest unfilled step of its own channel whose
 * window contains the touch's instant; -1 when it fits none (it still counts as a touch).
 */
export function stepForTouch(steps: readonly StepSlot[], touch: { channel: string; at: Date }): number {
  return steps.findIndex((s) => !s.filled && s.channel === touch.channel && inStepWindow(s, touch.at));
}

/**
 * Fills the steps with the touches in the order they happened; returns, per step, the index
 * of the touch that filled it (or -1). Used where touches arrive as a history (an import).
 */
export function fillCadence(steps: readonly Omit<StepSlot, 'filled'>[], touches: readonly { channel: string; at: Date }[]): number[] {
  const slots = steps.map((s) => ({ ...s, filled: false }));
  const filledBy = steps.map(() => -1);
  const order = touches.map((_, i) => i).sort((a, b) => touches[a].at.getTime() - touches[b].at.getTime() || a - b);
  for (const i of order) {
    const k = stepForTouch(slots, touches[i]);
    if (k < 0) continue;
    slots[k].filled = true;
    filledBy[k] = i;
  }
  return filledBy;
}

export type StepStatus = 'FILLED' | 'OPEN' | 'MISSED' | 'UPCOMING';

/** A step at `now`: filled (by a touch), open (window running), missed (window closed unfilled) or upcoming. */
export function stepStatus(step: StepSlot, now: Date): StepStatus {
  if (step.filled) return 'FILLED';
  if (now < step.opensAt) return 'UPCOMING';
  return now <= step.closesAt ? 'OPEN' : 'MISSED';
}

/**
 * Complete = at least `minTouches` touches on at least `minDates` (CADENCE_MIN_TOUCH_DATES)
 * local dates of `timeZone` (the owner's), and `windowDays` x 24 h elapsed since the first.
 * Touches after `now` are not counted (they have not been logged yet at `now`).
 */
export function cadenceProgress(rule: CadenceRule, touches: readonly LoggedTouch[], now: Date, timeZone: string, minDates = CADENCE_MIN_TOUCH_DATES): CadenceProgress {
  const times = touches
    .map((t, i) => parseInstant(t.occurredAt, `touches[${i}].occurredAt`))
    .filter((t) => t <= now)
    .sort((a, b) => a.getTime() - b.getTime());
  const dates = new Set<string>();
  let reachedAt: Date | undefined;
  times.forEach((t, i) => {
    dates.add(localDateOf(t, timeZone));
    if (!reachedAt && i + 1 >= rule.minTouches && dates.size >= minDates) reachedAt = t;
  });
  const firstTouchAt = times[0];
  const windowEnd = firstTouchAt ? new Date(firstTouchAt.getTime() + rule.windowDays * 86_400_000) : undefined;
  const completeAt = reachedAt && windowEnd ? new Date(Math.max(windowEnd.getTime(), reachedAt.getTime())) : undefined;
  const missing = {
    touches: Math.max(0, rule.minTouches - times.length),
    dates: Math.max(0, minDates - dates.size),
    timeUntil: windowEnd && windowEnd > now ? windowEnd : undefined,
  };
  return { touches: times.length, dates: dates.size, firstTouchAt, completeAt, complete: !!completeAt && completeAt <= now, missing };
}

export type DisqualifyCheck =
  | { allowed: true }
  | {
      allowed: false;
      violation: {
        field: 'reason';
        rule: 'CADENCE_INCOMPLETE' | 'UNKNOWN_REASON';
        message: string;
        touches: number;
        minTouches: number;
        dates?: number;
        minDates?: number;
        completeAt?: Date;
      };
    };

/** "2 more touches, 3 more dates, 14 x 24 h since the first touch (at …)": what the cadence still needs. */
export function describeMissing(rule: CadenceRule, progress: CadenceProgress): string {
  const { touches, dates, timeUntil } = progress.missing;
  const parts = [
    touches > 0 ? `${touches} more touch${touches === 1 ? '' : 'es'}` : '',
    dates > 0 ? `touches on ${dates} more date${dates === 1 ? '' : 's'}` : '',
    progress.touches === 0 ? `${rule.windowDays} x 24 h from a first touch` : timeUntil ? `${rule.windowDays} x 24 h since the first touch (at ${timeUntil.toISOString()})` : '',
  ].filter(Boolean);
  return parts.join(', ');
}

/** Whether the lead may be disqualified for `reason` now: cadence-bound reasons need a complete cadence. */
export function canDisqualify(reason: DisqualificationReason, definition: StageDefinitionContent, progress: CadenceProgress): DisqualifyCheck {
  const { minTouches, windowDays } = definition.cadence;
  const entry = definition.disqualificationReasons.find((r) => r.code === reason);
  if (!entry) {
    return {
      allowed: false,
      violation: { field: 'reason', rule: 'UNKNOWN_REASON', message: `'${reason}' is not a disqualification reason of this definition`, touches: progress.touches, minTouches },
    };
  }
  if (entry.requiresCadence && !progress.complete) {
    const logged = `${progress.touches} logged on ${progress.dates} date${progress.dates === 1 ? '' : 's'}`;
    const when = progress.completeAt ? `; complete at ${progress.completeAt.toISOString()}` : '';
    return {
      allowed: false,
      violation: {
        field: 'reason',
        rule: 'CADENCE_INCOMPLETE',
        message: `${reason} needs ${minTouches} touches on ${CADENCE_MIN_TOUCH_DATES} dates over ${windowDays} days first: ${logged}; missing ${describeMissing(definition.cadence, progress)}${when}`,
        touches: progress.touches,
        minTouches,
        dates: progress.dates,
        minDates: CADENCE_MIN_TOUCH_DATES,
        completeAt: progress.completeAt,
      },
    };
  }
  return { allowed: true };
}
