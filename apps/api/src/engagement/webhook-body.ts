import type { IncomingMessage } from 'node:http';
import { ErrorCode } from '../../../../libs/contracts/src';

type JsonResponse = { status(code: number): { json(body: unknown): void } };

/** A webhook refusal: the one shape every webhook error has, `{ error: { code, message, field? } }`. */
export function webhookError(res: JsonResponse, status: number, code: string, message: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json({ error: { code, message, ...extra } });
}

/**
 * Reads a webhook request's body: JSON only, at most `limitBytes`, kept raw for the signature
 * (`req.rawBody`) and parsed (`req.body`). Refusals name the header or the body but never
 * repeat what was sent: a malformed body may carry personal data.
 */
export function webhookBody(limitBytes: number) {
  return (req: IncomingMessage & { body?: unknown; rawBody?: Buffer }, res: JsonResponse, next: () => void): void => {
    if (req.method !== 'POST') return next();
    const refuse = (status: number, field: string, message: string) => webhookError(res, status, ErrorCode.BAD_USER_INPUT, `${field}: ${message}`, { field });
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') return refuse(415, 'content-type', 'must be application/json');
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) chunks.push(chunk);
    });
    req.once('error', () => refuse(400, 'body', 'could not be read'));
    req.once('end', () => {
      if (size > limitBytes) return refuse(413, 'body', `must be at most ${limitBytes} bytes`);
      req.rawBody = Buffer.concat(chunks);
      try {
        req.body = JSON.parse(req.rawBody.toString('utf8'));
      } catch {
        return refuse(400, 'body', 'is not valid JSON');
      }
      next();
    });
  };
}
