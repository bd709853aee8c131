import { eventsUpTo } from './engagement-event';

const NOW = new Date('2026-03-13T12:00:00Z');

describe('eventsUpTo', () => {
  it('orders by instant then id, whatever the offsets the sources used', () => {
    const out = eventsUpTo(
      [
        { id: 'b', type: 'EMAIL_OPEN', occurredAt: '2026-03-13T11:00:00+01:00' },
        { id: 'c', type: 'EMAIL_OPEN', occurredAt: '2026-03-13T06:00:00-05:00' },
        { id: 'a', type: 'EMAIL_OPEN', occurredAt: '2026-03-13T10:00:00Z' },
      ],
      NOW,
    );
    expect(out.map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(out[0].at).toEqual(new Date('2026-03-13T10:00:00Z'));
  });

  it('keeps the first of a repeated id, drops future events and, with `after`, events at or before it', () => {
    const events = [
      { id: 'x', type: 'BLOG_CLICK' as const, occurredAt: '2026-03-10T00:00:00Z' },
      { id: 'x', type: 'DEMO_REQUEST' as const, occurredAt: '2026-03-11T00:00:00Z' },
      { id: 'y', type: 'BLOG_CLICK' as const, occurredAt: '2026-03-12T00:00:00Z' },
      { id: 'z', type: 'BLOG_CLICK' as const, occurredAt: '2026-03-13T12:00:00.001Z' },
    ];
    expect(eventsUpTo(events, NOW).map((e) => [e.id, e.type])).toEqual([['x', 'BLOG_CLICK'], ['y', 'BLOG_CLICK']]);
    expect(eventsUpTo(events, NOW, new Date('2026-03-10T00:00:00Z')).map((e) => e.id)).toEqual(['y']);
  });
});
