import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '../../../../libs/contracts/src';

const MAX_CALLERS = 100_000;

/**
 * Token buckets per caller, in this process: each holds up to `burst` requests and refills at
 * `perSecond`. One API process serves a deployment's callers, so no shared store is needed.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private prunedAt = 0;

  constructor(private readonly perSecond: number, private readonly burst: number) {}

  /** Callers with a bucket in memory. */
  get callers(): number {
    return this.buckets.size;
  }

  /** Takes one request from `key`'s bucket: 0 when allowed, else the whole seconds until it would be. */
  take(key: string, now = Date.now()): number {
    // Many callers must not grow the map for good; pruning at most once a second keeps it cheap.
    if (this.buckets.size > MAX_CALLERS && now - this.prunedAt >= 1000) this.forgetFull(now);
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond));
  }

  /** Full buckets carry no state worth keeping: dropped so that many callers cannot grow the map. */
  private forgetFull(now: number): void {
    this.prunedAt = now;
    for (const [key, b] of this.buckets) if (b.tokens + ((now - b.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(key);
  }
}

/**
 * Express middleware: the caller is the bearer token's subject when the token verifies, else
 * the sending address (the webhook, whose integrations carry only a signature, and anonymous
 * callers). Past its rate a caller gets 429 with Retry-After, in the endpoint's error shape.
 */
export function rateLimit(limiter: RateLimiter, subjectOf: (req: IncomingMessage) => string | null) {
  return (req: IncomingMessage & { path: string; ip?: string }, res: ServerResponse & { status(code: number): { json(body: unknown): void } }, next: () => void): void => {
    if (req.method === 'OPTIONS' || req.path === '/health') return next();
    const webhook = req.path.startsWith('/webhooks/');
    const subject = webhook ? null : subjectOf(req);
    const key = subject ? `user:${subject}` : `${webhook ? 'webhook' : 'address'}:${req.ip}`;
    const retryAfterS = limiter.take(key);
    if (!retryAfterS) return next();
    const message = `Too many requests: retry after ${retryAfterS} s`;
    res.setHeader('Retry-After', String(retryAfterS));
    const extensions = { code: ErrorCode.RATE_LIMITED, retryAfterS };
    res.status(429).json(webhook ? { error: { message, ...extensions } } : { errors: [{ message, extensions }] });
  };
}
