import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as jwt from 'jsonwebtoken';
import { signWebhook } from '../apps/api/src/engagement/engagement-webhook.controller';
import { DEV_JWT_SECRET, DEV_WEBHOOK_SECRET } from '../libs/runtime/src/config';
import { IsolatedStack, startIsolatedStack } from './support/isolated-stack';
import { DEMO, gql, sql, stack, tokenFor } from './support/system';

// Hostile input at the transport: what an unauthenticated or over-eager caller can make the API do.
const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
const nowS = () => Math.floor(Date.now() / 1000);
const CARD = 'scorecard(period: { from: "2026-01-01", to: "2026-01-31" }) { overall }';

/** `fragment F<n> on Query { ...F<n-1> ...F<n-1> }` down to F0: under a kilobyte that doubles at every level. */
const fragmentBomb = (n: number) => {
  let doc = `query { ...F${n} } fragment F0 on Query { __typename }`;
  for (let i = 1; i <= n; i++) doc += ` fragment F${i} on Query{...F${i - 1} ...F${i - 1}}`;
  return doc;
};

/** POST to a webhook endpoint of `apiUrl`, signed with `secret` unless headers say otherwise. */
function postWebhook(apiUrl: string, body: string, { secret = DEV_WEBHOOK_SECRET, ts = String(nowS()), contentType = 'application/json', path = 'engagement/batch' } = {}) {
  return fetch(`${apiUrl}/webhooks/${path}`, { method: 'POST', headers: { 'content-type': contentType, 'x-baton-timestamp': ts, 'x-baton-signature': signWebhook(secret, Number(ts), body) }, body });
}
const batchBody = (email = `abuse.${unique()}@fitting.example`) => JSON.stringify({ events: [{ email, type: 'SITE_VISIT', occurredAt: new Date().toISOString(), idempotencyKey: `abuse-${unique()}` }] });

/** What a graphql-ws server answers a connection_init with these params: 'ack', or the close code. */
async function connectionInit(apiUrl: string, payload: Record<string, unknown>): Promise<'ack' | number> {
  const { default: WebSocket } = await import('ws');
  const socket = new WebSocket(apiUrl.replace('http', 'ws') + '/graphql', 'graphql-transport-ws');
  return new Promise((resolve, reject) => {
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload })));
    socket.on('message', (m) => {
      if (JSON.parse(String(m)).type === 'connection_ack') resolve('ack');
      socket.close();
    });
    socket.on('close', (code) => resolve(code));
    socket.on('error', reject);
  });
}

describe('abuse at the transport (shared platform)', () => {
  it('refuses a fragment bomb before executing it, and /health answers meanwhile', async () => {
    const bomb = fragmentBomb(30);
    expect(bomb.length).toBeLessThan(1300);
    const [refused, health] = await Promise.all([gql(bomb), fetch(`${stack.apiUrl}/health`)]);
    expect(refused.data).toBeUndefined();
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'query', violations: [{ field: 'query', rule: 'maxCost' }] });
    expect(health.status).toBe(200);
  });

  it('refuses 400 aliased scorecards from a rep as too costly, and answers one', async () => {
    const rep = await tokenFor(DEMO('rep.berlin'));
    const many = await gql(`{ ${Array.from({ length: 400 }, (_, i) => `s${i}: ${CARD}`).join(' ')} }`, {}, rep);
    expect(many.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(many.errors?.[0].extensions?.violations.map((v: { rule: string }) => v.rule)).toEqual(expect.arrayContaining(['maxCost', 'maxAliases']));
    expect((await gql(`{ ${CARD} }`, {}, rep)).errors).toBeUndefined();
  });

  it('refuses a document past the parser\'s token limit', async () => {
    const r = await gql(`{ ${Array.from({ length: 12_000 }, () => '__typename').join(' ')} }`);
    expect(r.errors?.[0].message).toMatch(/tokens/);
  });

  it('refuses a token without exp, and one that lives longer than allowed', async () => {
    const [admin] = await sql("SELECT id FROM app_user WHERE email = $1", [DEMO('admin')]);
    const forever = jwt.sign({ role: 'ADMIN' }, DEV_JWT_SECRET, { algorithm: 'HS256', subject: admin.id, issuer: 'baton' });
    const yearLong = jwt.sign({ role: 'ADMIN' }, DEV_JWT_SECRET, { algorithm: 'HS256', subject: admin.id, issuer: 'baton', expiresIn: '365d' });
    for (const token of [forever, yearLong]) expect((await gql('{ teams { id } }', {}, token)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gql('{ teams { id } }', {}, await tokenFor(DEMO('admin')))).errors).toBeUndefined();
  });

  it('closes a graphql-ws connection that brings no valid token, and acknowledges one that does', async () => {
    expect(await connectionInit(stack.apiUrl, {})).toBe(4403);
    expect(await connectionInit(stack.apiUrl, { authorization: 'Bearer not-a-token' })).toBe(4403);
    expect(await connectionInit(stack.apiUrl, { authorization: `Bearer ${await tokenFor(DEMO('rep.berlin'))}` })).toBe('ack');
  });

  it('sends security headers and no X-Powered-By', async () => {
    for (const res of [await fetch(`${stack.apiUrl}/health`), await fetch(`${stack.apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' })]) {
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('allows no cross-origin caller by default', async () => {
    const preflight = await fetch(`${stack.apiUrl}/graphql`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const post = await fetch(`${stack.apiUrl}/graphql`, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
  });

  describe('the webhook', () => {
    it('refuses a timestamp that is not decimal seconds', async () => {
      const ts = nowS();
      const body = batchBody();
      const res = await fetch(`${stack.apiUrl}/webhooks/engagement/batch`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-baton-timestamp': `0x${ts.toString(16)}`, 'x-baton-signature': signWebhook(DEV_WEBHOOK_SECRET, ts, body) }, body });
      expect(res.status).toBe(401);
      expect(((await res.json()) as any).error).toMatchObject({ code: 'UNAUTHENTICATED', field: 'x-baton-timestamp' });
    });

    it('answers malformed JSON in its own error shape', async () => {
      for (const path of ['engagement', 'engagement/batch']) {
        const res = await postWebhook(stack.apiUrl, '{"events": [', { path });
        expect(res.status).toBe(400);
        const answer = (await res.json()) as any;
        expect(Object.keys(answer)).toEqual(['error']);
        expect(answer.error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'body' });
      }
    });

    it('refuses a body that is not JSON without echoing it', async () => {
      const email = `echo.${unique()}@private.example`;
      const form = `events=${encodeURIComponent(batchBody(email))}&email=${encodeURIComponent(email)}`;
      for (const path of ['engagement', 'engagement/batch']) {
        const res = await postWebhook(stack.apiUrl, form, { path, contentType: 'application/x-www-form-urlencoded' });
        expect(res.status).toBe(415);
        const text = await res.text();
        expect(JSON.parse(text).error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'content-type' });
        expect(text).not.toContain('private.example');
      }
    });

    it('names an unknown top-level key of a batch without echoing values', async () => {
      const email = `echo.${unique()}@private.example`;
      const res = await postWebhook(stack.apiUrl, JSON.stringify({ events: [], [`{"email":"${email}"}`]: 1 }));
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(JSON.parse(text).error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'body' });
      expect(text).not.toContain('private.example');
    });
  });

  it('refuses to start with a webhook secret shorter than 32 bytes, naming the variable', () => {
    const r = spawnSync(process.execPath, [join(__dirname, '../dist/apps/api/src/main.js')], { env: { ...process.env, DATABASE_URL: stack.databaseUrl(), WEBHOOK_SECRET: 'too-short-a-secret', PORT: '0' }, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('WEBHOOK_SECRET: must be at least 32 bytes');
  });
});

describe('abuse limits as configured (own platform)', () => {
  const CURRENT = 'rotated-webhook-secret-of-at-least-32-bytes';
  let s: IsolatedStack;
  beforeAll(async () => {
    s = await startIsolatedStack({
      env: {
        BATON_RATE_LIMIT_PER_S: '1', BATON_RATE_LIMIT_BURST: '5', BATON_GRAPHQL_INTROSPECTION: 'off', BATON_CORS_ORIGINS: 'https://app.example.com',
        BATON_HSTS_MAX_AGE_S: '31536000', WEBHOOK_SECRET: CURRENT, WEBHOOK_SECRET_PREVIOUS: DEV_WEBHOOK_SECRET,
      },
    });
  }, 300_000);
  afterAll(async () => {
    await s?.stop();
  }, 120_000);

  it('closes introspection when configured off', async () => {
    const r = await s.gql('{ __schema { types { name } } }', {}, await s.tokenFor(DEMO('admin')));
    expect(r.data).toBeUndefined();
    expect(r.errors?.[0].message).toMatch(/introspection/i);
  });

  it('lets an allowed origin call from a browser, and sends Strict-Transport-Security when configured', async () => {
    const preflight = await fetch(`${s.apiUrl}/graphql`, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const other = await fetch(`${s.apiUrl}/graphql`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
  });

  it('accepts the current and the previous webhook secret while integrations rotate, and no other', async () => {
    expect((await postWebhook(s.apiUrl, batchBody(), { secret: CURRENT })).status).toBe(200);
    expect((await postWebhook(s.apiUrl, batchBody(), { secret: DEV_WEBHOOK_SECRET })).status).toBe(200);
    expect((await postWebhook(s.apiUrl, batchBody(), { secret: 'x'.repeat(40) })).status).toBe(401);
  });

  it('answers 429 with Retry-After past a user\'s rate, without slowing another user', async () => {
    const [rep, manager] = await Promise.all([s.tokenFor(DEMO('rep.berlin')), s.tokenFor(DEMO('manager'))]);
    const ask = (token: string) => fetch(`${s.apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"query":"{ __typename }"}' });
    const answers = await Promise.all(Array.from({ length: 8 }, () => ask(rep)));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(2);
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await limited[0].json()) as any).errors[0].extensions.code).toBe('RATE_LIMITED');
    expect((await ask(manager)).status).toBe(200);
  });

  it('answers 429 with Retry-After on the webhook past its rate', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, () => postWebhook(s.apiUrl, batchBody(), { secret: CURRENT })));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await limited[0].json()) as any).error.code).toBe('RATE_LIMITED');
  });
});
