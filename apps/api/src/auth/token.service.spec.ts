import * as jwt from 'jsonwebtoken';
import { createSecretKey } from 'node:crypto';
import type { BatonConfig } from '../../../../libs/runtime/src';
import { signToken, TokenService, verifyToken } from './token.service';

const SECRET = 'a-secret-for-tokens-of-at-least-32-chars';
const key = createSecretKey(Buffer.from(SECRET, 'utf8'));
const DAY = 24 * 3600;
const claims = { sub: '6f1c1d1e-0000-4000-8000-000000000001', role: 'ADMIN' as const };

describe('bearer tokens', () => {
  it('accepts a token signed as `npm run token` signs it', () => {
    expect(verifyToken(key, signToken(SECRET, claims), DAY)).toEqual(claims);
  });

  it('refuses a token without exp, or living longer than the maximum', () => {
    expect(verifyToken(key, jwt.sign({ role: 'ADMIN' }, SECRET, { subject: claims.sub, issuer: 'baton' }), DAY)).toBeNull();
    expect(verifyToken(key, signToken(SECRET, claims, '25h'), DAY)).toBeNull();
    expect(verifyToken(key, signToken(SECRET, claims, '24h'), DAY)).toEqual(claims);
  });

  it("verifies a request's bearer token once, however many ask (the rate limiter, then the guard)", () => {
    const tokens = new TokenService({ jwtSecret: SECRET, tokenMaxLifetimeS: DAY } as BatonConfig);
    const verify = jest.spyOn(tokens, 'verify');
    const req = { headers: { authorization: `Bearer ${signToken(SECRET, claims)}` } };
    expect(tokens.claimsOf(req)).toEqual(claims);
    expect(tokens.claimsOf(req)).toEqual(claims);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(tokens.claimsOf({ headers: { authorization: 'Basic abc' } })).toBeNull();
    expect(tokens.claimsOf({ headers: { authorization: 'Bearer not-a-token' } })).toBeNull();
  });
});
