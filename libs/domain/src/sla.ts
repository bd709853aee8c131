import { addBusinessMinutes, BusinessCalendar, endOfBusinessDay } from './business-hours';
import { SlaTerms } from './stage-definition';

export const SLA_KINDS = ['ACCEPT', 'FIRST_TOUCH_HOT', 'FIRST_TOUCH_DEMO', 'FIRST_TOUCH_STANDARD', 'TOUCH_LOGGING'] as const;
export type SlaKind = (typeof SLA_KINDS)[number];

export const SLA_CLOCK_STATES = ['PENDING', 'MET', 'BREACHED'] as const;
export type SlaClockState = (typeof SLA_CLOCK_STATES)[number];

/** The tightest first-touch clock that applies: demo (15 min) > hot (2 h) > same business day. */
export function firstTouchSlaKind(handoff: { demoRequest: boolean; hot: boolean }): SlaKind {
  if (handoff.demoRequest) return 'FIRST_TOUCH_DEMO';
  if (handoff.hot) return 'FIRST_TOUCH_HOT';
  return 'FIRST_TOUCH_STANDARD';
}

/**
 * When the clock started at `startedAt` falls due. Business-hour clocks run in the rep's
 * calendar and start at the next opening when started outside hours; FIRST_TOUCH_STANDARD is
 * the close of that business day; TOUCH_LOGGING is wall-clock from the touch.
 */
export function slaDueAt(kind: SlaKind, terms: SlaTerms, calendar: BusinessCalendar, startedAt: Date): Date {
  switch (kind) {
    case 'ACCEPT':
      return addBusinessMinutes(calendar, startedAt, terms.acceptBusinessMinutes);
    case 'FIRST_TOUCH_HOT':
      return addBusinessMinutes(calendar, startedAt, terms.hotFirstTouchBusinessMinutes);
    case 'FIRST_TOUCH_DEMO':
      return addBusinessMinutes(calendar, startedAt, terms.demoFirstTouchBusinessMinutes);
    case 'FIRST_TOUCH_STANDARD':
      return endOfBusinessDay(calendar, startedAt);
    case 'TOUCH_LOGGING':
      return touchLoggingDueAt(terms, startedAt);
  }
}

function touchLoggingDueAt(terms: SlaTerms, touchedAt: Date): Date {
  return new Date(touchedAt.getTime() + terms.touchLoggingMinutes * 60_000);
}

/**
 * A touch's TOUCH_LOGGING clock, settled when the touch is logged (live or imported): due
 * `touchLoggingMinutes` after the touch (wall-clock); MET when logged by then, else BREACHED,
 * the breach known at the logging instant.
 */
export function touchLoggingClock(touchedAt: Date, loggedAt: Date, terms: SlaTerms): { dueAt: Date; status: 'MET' | 'BREACHED' } {
  const dueAt = touchLoggingDueAt(terms, touchedAt);
  return { dueAt, status: loggedAt <= dueAt ? 'MET' : 'BREACHED' };
}

/** Met at or before the due instant = MET; unmet and past due = BREACHED (due itself is still on time). */
export function classifyClock(dueAt: Date, metAt: Date | undefined, now: Date): SlaClockState {
  if (metAt) return metAt <= dueAt ? 'MET' : 'BREACHED';
  return now > dueAt ? 'BREACHED' : 'PENDING';
}
