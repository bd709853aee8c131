import { RateLimiter } from './rate-limit';

describe('rate limiter', () => {
  it('allows a burst, then refuses with the seconds until the next request, per caller', () => {
    const limiter = new RateLimiter(2, 3);
    const t = 1_000_000;
    expect([1, 2, 3].map(() => limiter.take('a', t))).toEqual([0, 0, 0]);
    expect(limiter.take('a', t)).toBe(1);
    expect(limiter.take('b', t)).toBe(0);
    expect(limiter.take('a', t + 500)).toBe(0);
    expect(limiter.take('a', t + 500)).toBe(1);
  });

  it('waits longer at a slow rate', () => {
    const limiter = new RateLimiter(0.1 as number, 1);
    expect(limiter.take('a', 0)).toBe(0);
    expect(limiter.take('a', 0)).toBe(10);
  });

  it('forgets callers whose buckets have refilled once there are many, so distinct callers cannot grow it for good', () => {
    const limiter = new RateLimiter(10, 5);
    for (let i = 0; i <= 100_000; i++) limiter.take(`caller-${i}`, 0);
    expect(limiter.callers).toBe(100_001);
    limiter.take('late', 1_000); // a second later every bucket has refilled
    expect(limiter.callers).toBe(1);
  });
});
