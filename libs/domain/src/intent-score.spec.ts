import { EngagementEvent } from './engagement-event';
import { scoreIntent } from './intent-score';
import { DEFAULT_STAGE_DEFINITION_V1, EngagementType } from './stage-definition';

const scoring = DEFAULT_STAGE_DEFINITION_V1.scoring;
const NOW = new Date('2026-03-13T12:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();
const ev = (id: string, type: EngagementType, ageDays: number): EngagementEvent => ({ id, type, occurredAt: daysAgo(ageDays) });

describe('scoreIntent', () => {
  it('five email opens never reach 85 and never exceed the 3-point cap', () => {
    const opens = [0, 1, 2, 3, 4].map((d) => ev(`open-${d}`, 'EMAIL_OPEN', d / 10));
    const result = scoreIntent(opens, scoring, NOW);
    expect(result.score).toBe(3);
    expect(result.score).toBeLessThan(scoring.mqlThreshold);
    expect(result.capped).toEqual([{ type: 'EMAIL_OPEN', cappedAt: 3 }]);
    expect(result.breakdown.reduce((s, l) => s + l.points, 0)).toBeCloseTo(3, 10);
    // The newest opens are kept; the oldest are the ones capped away.
    expect(result.breakdown.find((l) => l.eventId === 'open-4')!.points).toBe(0);
    expect(result.breakdown.find((l) => l.eventId === 'open-4')!.reason).toContain('capped');

    const hundred = Array.from({ length: 100 }, (_, i) => ev(`o${i}`, 'EMAIL_OPEN', 0));
    expect(scoreIntent(hundred, scoring, NOW).score).toBe(3);
  });

  it('blog clicks are capped at 6 points in total', () => {
    const clicks = Array.from({ length: 10 }, (_, i) => ev(`b${i}`, 'BLOG_CLICK', 0));
    const result = scoreIntent(clicks, scoring, NOW);
    expect(result.score).toBe(6);
    expect(result.breakdown.filter((l) => l.points > 0)).toHaveLength(3);
  });

  it('explains a demo request, three pricing views and a comparison guide line by line', () => {
    const events = [
      ev('cg', 'COMPARISON_GUIDE_DOWNLOAD', 10),
      ev('p3', 'PRICING_PAGE_VIEW', 1),
      ev('p1', 'PRICING_PAGE_VIEW', 3),
      ev('demo', 'DEMO_REQUEST', 0),
      ev('p2', 'PRICING_PAGE_VIEW', 2),
    ];
    const result = scoreIntent(events, scoring, NOW);
    expect(result.breakdown.map((l) => [l.eventId, l.basePoints, l.decayFactor, l.points])).toEqual([
      ['cg', 20, 0.7937, 15.87],
      ['p1', 15, 0.933, 14],
      ['p2', 15, 0.9548, 14.32],
      ['p3', 15, 0.9772, 14.66],
      ['demo', 30, 1, 30],
    ]);
    expect(result.score).toBe(88.85);
    expect(result.capped).toEqual([]);
    expect(result.breakdown[0].reason).toBe('COMPARISON_GUIDE_DOWNLOAD +20 x 0.7937 (10 days old, half-life 30 days) = 15.87');
    expect(result.breakdown[4].reason).toBe('DEMO_REQUEST +30 (today, no decay)');
    expect(result.breakdown[0].occurredAt).toBe('2026-03-03T12:00:00.000Z');
  });

  it('halves a demo request after 30 days and quarters it after 60', () => {
    const at30 = scoreIntent([ev('d', 'DEMO_REQUEST', 30)], scoring, NOW);
    expect(at30.score).toBe(15);
    expect(at30.breakdown[0].decayFactor).toBe(0.5);
    const at60 = scoreIntent([ev('d', 'DEMO_REQUEST', 60)], scoring, NOW);
    expect(at60.score).toBe(7.5);
    expect(at60.breakdown[0].decayFactor).toBe(0.25);
  });

  it('caps apply after decay: old opens are worth less, so more of them fit under the cap', () => {
    const opens = [ev('a', 'EMAIL_OPEN', 30), ev('b', 'EMAIL_OPEN', 30), ev('c', 'EMAIL_OPEN', 30), ev('d', 'EMAIL_OPEN', 30)];
    const result = scoreIntent(opens, scoring, NOW);
    expect(result.score).toBe(2);
    expect(result.capped).toEqual([]);
  });

  it('counts a repeated event id once and ignores events after now', () => {
    const events = [ev('x', 'PRICING_PAGE_VIEW', 0), ev('x', 'PRICING_PAGE_VIEW', 0), ev('future', 'DEMO_REQUEST', -1)];
    const result = scoreIntent(events, scoring, NOW);
    expect(result.score).toBe(15);
    expect(result.ignored.map((i) => i.eventId).sort()).toEqual(['future', 'x']);
  });

  it('explains zero-point signals instead of hiding them', () => {
    const result = scoreIntent([ev('v', 'SITE_VISIT', 0)], scoring, NOW);
    expect(result.score).toBe(0);
    expect(result.breakdown[0]).toMatchObject({ points: 0, reason: 'SITE_VISIT carries no intent points' });
  });

  it('rejects an event whose instant has no offset, naming the field', () => {
    expect(() => scoreIntent([{ id: 'x', type: 'EMAIL_OPEN', occurredAt: '2026-03-13 10:00' }], scoring, NOW)).toThrow(
      expect.objectContaining({ violations: [expect.objectContaining({ field: 'events[0].occurredAt' })] }),
    );
  });
});
