import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The request a piece of work belongs to: the API sets it per HTTP request (x-request-id),
 * the worker per activity (from the Temporal header the API's client and the lead's workflow
 * carry). Every log line written inside carries it.
 */
const context = new AsyncLocalStorage<{ requestId: string }>();

/** Request ids are opaque tokens a caller may choose; anything else is replaced by a fresh one. */
export const isRequestId = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z0-9._:\-]{1,128}$/.test(v);

export function withRequestId<T>(requestId: string, work: () => T): T {
  return context.run({ requestId }, work);
}

export function currentRequestId(): string | undefined {
  return context.getStore()?.requestId;
}
