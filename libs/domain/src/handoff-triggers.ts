import { EngagementEvent, eventsUpTo, TimedEvent } from './engagement-event';
import { HandoffTrigger, TriggerKind } from './stage-definition';

export interface TriggerContext {
  /** Does the lead fit the ICP (CONTENT_WITH_FIT only fires for fits)? */
  fit: boolean;
  /** Last direct outreach by sales (call, email, LinkedIn), for RETURN_VISIT. */
  lastOutreachAt?: Date;
}

export interface TriggerHit {
  triggerId: string;
  kind: TriggerKind;
  /** Instant (ISO) of the event that completed the trigger, the earliest such completion. */
  firedAt: string;
  eventIds: string[];
  explanation: string;
  highIntent: boolean;
  demoRequest: boolean;
}

const MS_PER_DAY = 86_400_000;

function hit(trigger: HandoffTrigger, fired: TimedEvent, events: TimedEvent[], explanation: string): TriggerHit {
  return {
    triggerId: trigger.id,
    kind: trigger.kind,
    firedAt: fired.occurredAt,
    eventIds: events.map((e) => e.id),
    explanation,
    highIntent: trigger.highIntent,
    demoRequest: trigger.demoRequest,
  };
}

function evaluateOne(trigger: HandoffTrigger, events: TimedEvent[], ctx: TriggerContext): TriggerHit | undefined {
  const matching = events.filter((e) => trigger.eventTypes.includes(e.type));
  switch (trigger.kind) {
    case 'EVENT': {
      const first = matching[0];
      return first && hit(trigger, first, [first], `${trigger.description}: ${first.type} at ${first.occurredAt}`);
    }
    case 'REPEATED': {
      const count = trigger.count ?? 1;
      const windowMs = (trigger.withinDays ?? 0) * MS_PER_DAY;
      // The first event that closes `count` events inside one rolling window (bounds inclusive).
      for (let i = count - 1; i < matching.length; i += 1) {
        const group = matching.slice(i - count + 1, i + 1);
        if (matching[i].at.getTime() - group[0].at.getTime() <= windowMs) {
          return hit(
            trigger,
            matching[i],
            group,
            `${trigger.description}: ${count} x ${trigger.eventTypes.join('/')} between ${group[0].occurredAt} and ${matching[i].occurredAt}`,
          );
        }
      }
      return undefined;
    }
    case 'RETURN_VISIT': {
      if (!ctx.lastOutreachAt) return undefined;
      const visit = matching.find((e) => e.at > ctx.lastOutreachAt!);
      return (
        visit &&
        hit(trigger, visit, [visit], `${trigger.description}: ${visit.type} at ${visit.occurredAt}, after outreach at ${ctx.lastOutreachAt.toISOString()}`)
      );
    }
    case 'CONTENT_WITH_FIT': {
      if (!ctx.fit) return undefined;
      const first = matching[0];
      return first && hit(trigger, first, [first], `${trigger.description}: ${first.type} at ${first.occurredAt} by an ICP fit`);
    }
  }
}

/**
 * The triggers that fired at `now`. Only events within each trigger's lookback (and not after
 * `now`) count; repeated event ids count once.
 */
export function evaluateTriggers(
  events: readonly EngagementEvent[],
  triggers: readonly HandoffTrigger[],
  ctx: TriggerContext,
  now: Date,
): TriggerHit[] {
  const all = eventsUpTo(events, now);
  const hits: TriggerHit[] = [];
  for (const trigger of triggers) {
    const since = now.getTime() - trigger.lookbackDays * MS_PER_DAY;
    const found = evaluateOne(trigger, all.filter((e) => e.at.getTime() >= since), ctx);
    if (found) hits.push(found);
  }
  return hits;
}
