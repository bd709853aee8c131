import { ENGAGEMENT_TYPES, EngagementType } from './stage-definition';
import { parseInstant } from './time-zone';

/** One engagement signal as it travels (JSON): instants are ISO-8601 strings. */
export interface EngagementEvent {
  /** Idempotency key: the same id is never counted twice. */
  id: string;
  type: EngagementType;
  occurredAt: string;
  /** What was consumed (page, asset title); feeds "content consumed". */
  content?: string;
}

export interface TimedEvent extends EngagementEvent {
  at: Date;
}

/**
 * Events that count at `now`: parsed, deduplicated by id (first wins), none from the future,
 * ordered by time then id so every caller sees the same sequence.
 */
export function eventsUpTo(events: readonly EngagementEvent[], now: Date, after?: Date): TimedEvent[] {
  const seen = new Set<string>();
  const out: TimedEvent[] = [];
  events.forEach((e, i) => {
    const at = parseInstant(e.occurredAt, `events[${i}].occurredAt`);
    if (seen.has(e.id)) return;
    seen.add(e.id);
    if (at > now || (after && at <= after)) return;
    out.push({ ...e, at });
  });
  return out.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Why no rule can read this stored event (an unknown type, an instant the domain does not
 * parse), or null. Such an event is quarantined: kept, and left out of every evaluation.
 */
export function unreadableEventReason(e: { type: string; occurredAt: string }): string | null {
  if (!(ENGAGEMENT_TYPES as readonly string[]).includes(e.type)) return `unknown engagement type ${e.type}`;
  try {
    parseInstant(e.occurredAt, 'occurredAt');
  } catch (err) {
    return (err as Error).message;
  }
  return null;
}
