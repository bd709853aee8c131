import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRequestId, withRequestId } from '../../../../libs/runtime/src/request-context';

/**
 * Every request has an id: the caller's `x-request-id` when it is a plain token, else a new
 * UUID. It is echoed in the response header and carried by every log line written while the
 * request is handled (and, through Temporal headers, by the worker's lines for its commands).
 */
export function requestIdMiddleware(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const given = req.headers['x-request-id'];
  const requestId = isRequestId(given) ? given : randomUUID();
  res.setHeader('x-request-id', requestId);
  withRequestId(requestId, () => next());
}
