import { Inject, Injectable } from '@nestjs/common';
import * as jwt from 'jsonwebtoken';
import { createSecretKey, KeyObject } from 'node:crypto';
import { ROLES, Role } from '../../../../libs/contracts/src';
import type { BatonConfig } from '../../../../libs/runtime/src';
import { BATON_CONFIG } from '../config/config.module';

export interface TokenClaims {
  sub: string;
  role: Role;
}

const ISSUER = 'baton';

/** Signs and verifies the HS256 bearer tokens that carry a user id and a role. */
@Injectable()
export class TokenService {
  /**
   * The secret as a key object, made once: given a string, jsonwebtoken first tries it as a
   * public key on every verify and falls back on the exception, which cost ~8 % of the API's
   * CPU under ingest load.
   */
  private readonly key: KeyObject;

  constructor(@Inject(BATON_CONFIG) private readonly config: BatonConfig) {
    this.key = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
  }

  issue(claims: TokenClaims, expiresIn: jwt.SignOptions['expiresIn'] = '12h'): string {
    return signToken(this.config.jwtSecret, claims, expiresIn);
  }

  verify(token: string): TokenClaims | null {
    return verifyToken(this.key, token, this.config.tokenMaxLifetimeS);
  }

  /**
   * The claims of a request's bearer token (null: none, or invalid), verified once per request:
   * the rate limiter and the auth guard both ask, and the answer is kept on the request.
   */
  claimsOf(req: { headers?: { authorization?: unknown }; tokenClaims?: TokenClaims | null }): TokenClaims | null {
    if (req.tokenClaims !== undefined) return req.tokenClaims;
    const header = req.headers?.authorization;
    req.tokenClaims = typeof header === 'string' && header.startsWith('Bearer ') ? this.verify(header.slice('Bearer '.length).trim()) : null;
    return req.tokenClaims;
  }
}

/**
 * The claims of a token signed with `key`, or null: a token must expire, within
 * `maxLifetimeS` of its issue, so a leaked one cannot be used forever.
 */
export function verifyToken(key: KeyObject, token: string, maxLifetimeS: number): TokenClaims | null {
  try {
    const payload = jwt.verify(token, key, { algorithms: ['HS256'], issuer: ISSUER });
    if (typeof payload !== 'object' || typeof payload.sub !== 'string') return null;
    if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number' || payload.exp - payload.iat > maxLifetimeS) return null;
    const role = (payload as { role?: unknown }).role;
    if (!ROLES.includes(role as Role)) return null;
    return { sub: payload.sub, role: role as Role };
  } catch {
    return null;
  }
}

/** Also used by the `npm run token` command, which has no Nest container. */
export function signToken(secret: string, claims: TokenClaims, expiresIn: jwt.SignOptions['expiresIn'] = '12h'): string {
  return jwt.sign({ role: claims.role }, secret, { algorithm: 'HS256', subject: claims.sub, issuer: ISSUER, expiresIn });
}
