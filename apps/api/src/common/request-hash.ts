import { createHash } from 'node:crypto';

/** A stable fingerprint of a request, so a reused idempotency key with other content is refused. */
export function requestHash(payload: unknown): string {
  const canonical = JSON.stringify(payload, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v));
  return createHash('sha256').update(canonical).digest('hex');
}
