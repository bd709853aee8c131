import { addBusinessDays, BusinessCalendar, businessDayOf, endOfBusinessDate } from './business-hours';
import { CadencePlan, DisqualificationReason, StageDefinitionContent, TouchChannel } from './stage-definition';
import { parseInstant } from './time-zone';

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

export interface CadenceProgress {
  touches: number;
  firstTouchAt?: Date;
  /** When the cadence is (or will be, given the touches so far) complete; absent until minTouches are logged. */
  completeAt?: Date;
  complete: boolean;
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

/**
 * Complete = at least `minTouches` touches logged and `windowDays` x 24 h elapsed since the first.
 * Touches after `now` are not counted (they have not been logged yet at `now`).
 */
export function cadenceProgress(rule: CadenceRule, touches: readonly LoggedTouch[], now: Date): CadenceProgress {
  const times = touches
    .map((t, i) => parseInstant(t.occurredAt, `touches[${i}].occurredAt`))
    .filter((t) => t <= now)
    .sort((a, b) => a.getTime() - b.getTime());
  if (times.length === 0) return { touches: 0, complete: false };
  const firstTouchAt = times[0];
  if (times.length < rule.minTouches) return { touches: times.length, firstTouchAt, complete: false };
  const windowEnd = firstTouchAt.getTime() + rule.windowDays * 86_400_000;
  const completeAt = new Date(Math.max(windowEnd, times[rule.minTouches - 1].getTime()));
  return { touches: times.length, firstTouchAt, completeAt, complete: completeAt <= now };
}

export type DisqualifyCheck =
  | { allowed: true }
  | {
      allowed: false;
      violation: { field: 'reason'; rule: 'CADENCE_INCOMPLETE' | 'UNKNOWN_REASON'; message: string; touches: number; minTouches: number; completeAt?: Date };
    };

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
    const when = progress.completeAt ? `; complete at ${progress.completeAt.toISOString()}` : '';
    return {
      allowed: false,
      violation: {
        field: 'reason',
        rule: 'CADENCE_INCOMPLETE',
        message: `${reason} needs ${minTouches} touches over ${windowDays} days first: ${progress.touches} logged${when}`,
        touches: progress.touches,
        minTouches,
        completeAt: progress.completeAt,
      },
    };
  }
  return { allowed: true };
}
