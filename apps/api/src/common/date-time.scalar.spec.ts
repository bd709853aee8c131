import { toInstant } from './date-time.scalar';

describe('toInstant (the DateTime scalar and the webhook)', () => {
  it('reads ISO-8601 instants with an offset', () => {
    expect(toInstant('2026-11-23T10:00:00Z').toISOString()).toBe('2026-11-23T10:00:00.000Z');
    expect(toInstant('2026-11-23T11:00:00.5+01:00').toISOString()).toBe('2026-11-23T10:00:00.500Z');
  });

  it('makes anything else an invalid instant instead of guessing', () => {
    for (const v of [1_732_000_000_000, '1732000000000', '2026-11-23', 'Nov 23 2026', '+275760-09-13T00:00:00.000Z', '2026-11-23T10:00:00', null, {}]) {
      expect(Number.isNaN(toInstant(v).getTime())).toBe(true);
    }
  });
});
