import type { ServerResponse } from 'node:http';

/**
 * Response headers that keep browsers from misusing the API's answers: no MIME sniffing, no
 * referrer leaks, never framed; HSTS only when the deployment serves HTTPS (`hstsMaxAgeS` > 0).
 * The API serves JSON only, so the policy forbids every other kind of content.
 */
export function securityHeaders(hstsMaxAgeS: number) {
  return (_req: unknown, res: ServerResponse, next: () => void): void => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (hstsMaxAgeS > 0) res.setHeader('Strict-Transport-Security', `max-age=${hstsMaxAgeS}; includeSubDomains`);
    next();
  };
}
