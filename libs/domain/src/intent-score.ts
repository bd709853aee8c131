import { EngagementEvent, eventsUpTo } from './engagement-event';
import { EngagementType, IntentScoring } from './stage-definition';

export interface IntentScoreLine {
  eventId: string;
  type: EngagementType;
  occurredAt: string;
  basePoints: number;
  /** 0.5^(age / half-life), rounded to 4 decimals for display. */
  decayFactor: number;
  /** Points this event adds to the score (after decay and caps), 2 decimals. */
  points: number;
  reason: string;
}

export interface IntentScore {
  /** Sum of the breakdown's points: exactly what the lines say, 2 decimals. */
  score: number;
  /** Chronological, one line per counted event. */
  breakdown: IntentScoreLine[];
  /** Types whose points hit their cap. */
  capped: { type: EngagementType; cappedAt: number }[];
  /** Events left out: repeated ids, events after `now`. */
  ignored: { eventId: string; reason: string }[];
}

const MS_PER_DAY = 86_400_000;
const round = (x: number, decimals: number) => {
  const f = 10 ** decimals;
  return Math.round((x + Number.EPSILON) * f) / f;
};

/**
 * The explained intent score at `now`. Each event is worth its weight halved every
 * `halfLifeDays`; a capped type contributes at most its cap in total, newest events first
 * (they are worth the most). Points are rounded per line to 2 decimals and the score is
 * their sum, so the breakdown always adds up to the score.
 */
export function scoreIntent(events: readonly EngagementEvent[], scoring: IntentScoring, now: Date): IntentScore {
  const counted = eventsUpTo(events, now);
  const countedIds = new Set(counted.map((e) => e.id));
  const ignored: IntentScore['ignored'] = [];
  const seen = new Set<string>();
  events.forEach((e) => {
    if (seen.has(e.id)) ignored.push({ eventId: e.id, reason: 'repeated event id (counted once)' });
    else if (!countedIds.has(e.id)) ignored.push({ eventId: e.id, reason: `occurred after ${now.toISOString()}` });
    seen.add(e.id);
  });

  const lines = counted.map((e): IntentScoreLine & { raw: number; ageDays: number } => {
    const base = scoring.weights[e.type] ?? 0;
    const ageDays = (now.getTime() - e.at.getTime()) / MS_PER_DAY;
    const factor = 0.5 ** (ageDays / scoring.halfLifeDays);
    const points = round(base * factor, 2);
    const reason =
      base === 0
        ? `${e.type} carries no intent points`
        : factor === 1
          ? `${e.type} +${base} (today, no decay)`
          : `${e.type} +${base} x ${round(factor, 4)} (${round(ageDays, 1)} days old, half-life ${scoring.halfLifeDays} days) = ${points}`;
    return { eventId: e.id, type: e.type, occurredAt: e.occurredAt, basePoints: base, decayFactor: round(factor, 4), points, reason, raw: points, ageDays };
  });

  const capped: IntentScore['capped'] = [];
  for (const [type, cap] of Object.entries(scoring.caps) as [EngagementType, number][]) {
    const ofType = lines.filter((l) => l.type === type).sort((a, b) => b.raw - a.raw || a.ageDays - b.ageDays);
    let used = 0;
    let hit = false;
    for (const line of ofType) {
      const allowed = round(Math.max(0, Math.min(line.raw, cap - used)), 2);
      used = round(used + allowed, 2);
      if (allowed < line.raw) {
        hit = true;
        line.points = allowed;
        line.reason += `; capped: ${type} adds at most ${cap} points in total, so ${allowed} here`;
      }
    }
    if (hit) capped.push({ type, cappedAt: cap });
  }

  const breakdown = lines.map(({ raw: _raw, ageDays: _age, ...line }) => line);
  const score = round(breakdown.reduce((sum, l) => sum + l.points, 0), 2);
  return { score, breakdown, capped, ignored };
}

