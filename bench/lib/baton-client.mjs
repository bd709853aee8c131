// GraphQL calls of bench/ingest.mjs against a running Baton API: typed failures, a watcher
// that sees leads get their owner, and the pool of existing leads the mix engages with.
import { setTimeout as sleep } from 'node:timers/promises';
import { userToken } from '../../scripts/lib/demo-leads.mjs';

const RECORD = 'mutation($i: RecordEngagementInput!) { recordEngagement(input: $i) { leadId delivery } }';
const ACCEPT = 'mutation($i: LeadIdInput!) { acceptLead(input: $i) { stage } }';

/** A failed call whose `kind` says what failed: `http 502`, a GraphQL error code, `timeout`, a network code. */
const failure = (kind, message) => Object.assign(new Error(message ?? kind), { kind });

/** One GraphQL request; its data, or a failure with a kind (the first error of a partial answer too). */
export async function gql(apiUrl, token, query, variables = {}, { timeoutMs = 30_000, partial = false } = {}) {
  const res = await fetch(`${apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = await res.json().catch(() => null);
  if (!body) throw failure(`http ${res.status}`);
  const err = body.errors?.[0];
  if (err && !(partial && body.data)) throw failure(err.extensions?.code ?? `http ${res.status}`, err.message);
  return body.data;
}

/** Record one engagement event: `{ leadId, delivery }`. */
export async function recordEngagement(apiUrl, token, input) {
  return (await gql(apiUrl, token, RECORD, { i: input })).recordEngagement;
}

/**
 * Sees leads get their owner over GraphQL: every `intervalMs`, one request asks for the
 * `ownerId` of every lead still waiting (aliases, `batch` leads a request), so the cost does
 * not grow with a poll per lead. `wait(leadId)` resolves with `{ at, ownerId }`, `at` the
 * instant (performance.now()) of the answer that showed the owner, or fails after `timeoutMs`
 * or the wait's own limit (kind `route timeout`).
 */
export function routeWatcher({ apiUrl, token, intervalMs = 25, batch = 100, timeoutMs = 30_000 }) {
  const waiting = new Map(); // leadId -> { since, limit, resolve, reject }
  let running = true;
  const pollBatch = async (ids) => {
    const query = `query(${ids.map((_, i) => `$l${i}: ID!`).join(', ')}) { ${ids.map((_, i) => `l${i}: lead(id: $l${i}) { ownerId }`).join(' ')} }`;
    const data = await gql(apiUrl, token, query, Object.fromEntries(ids.map((id, i) => [`l${i}`, id])), { partial: true }).catch(() => null);
    const seenAt = performance.now();
    ids.forEach((id, i) => {
      const w = waiting.get(id);
      if (!w) return;
      const ownerId = data?.[`l${i}`]?.ownerId;
      if (ownerId) w.resolve({ at: seenAt, ownerId });
      else if (seenAt - w.since > w.limit) w.reject(failure('route timeout'));
      else return;
      waiting.delete(id);
    });
  };
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      const ids = [...waiting.keys()];
      const batches = [];
      for (let i = 0; i < ids.length; i += batch) batches.push(pollBatch(ids.slice(i, i + batch)));
      await Promise.all(batches);
      await sleep(Math.max(1, intervalMs - (performance.now() - t0)));
    }
  })();
  return {
    wait: (leadId, limit = timeoutMs) => new Promise((resolve, reject) => waiting.set(leadId, { since: performance.now(), limit, resolve, reject })),
    stop: async () => {
      running = false;
      await loop;
      for (const w of waiting.values()) w.reject(failure('stopped'));
    },
  };
}

/** Run `fn(i)` for i < n, `concurrency` at a time. */
export async function inParallel(n, concurrency, fn) {
  let next = 0;
  const results = [];
  await Promise.all(Array.from({ length: Math.min(n, concurrency) }, async () => {
    while (next < n) {
      const i = next++;
      results[i] = await fn(i);
    }
  }));
  return results;
}

/** Every rep and manager may hold `max` open leads, so routing never falls back to the unassigned queue. */
export async function raiseRepCapacity(apiUrl, revops, max = 10_000) {
  const { reps } = await gql(apiUrl, revops, 'query { reps { id role } }');
  for (const rep of reps) await gql(apiUrl, revops, 'mutation($i: UpdateRepRoutingInput!) { updateRepRouting(input: $i) { id } }', { i: { repId: rep.id, maxOpenLeads: max } });
  return new Map(reps.map((r) => [r.id, r]));
}

/**
 * Push `count` new leads to SAL: a qualifying event, the owner over GraphQL, `acceptLead` by
 * that owner. `event(i)` gives the qualifying event's input. Returns the leads' emails.
 */
export async function leadsInSal({ stack, integration, watcher, reps, count, event, concurrency = 8 }) {
  const tokens = new Map();
  const ownerToken = (id) => tokens.get(id) ?? tokens.set(id, userToken(stack, reps.get(id))).get(id);
  return inParallel(count, concurrency, async (i) => {
    const input = event(i);
    const { leadId } = await recordEngagement(stack.apiUrl, integration, input);
    const { ownerId } = await watcher.wait(leadId, 120_000);
    const { acceptLead } = await gql(stack.apiUrl, ownerToken(ownerId), ACCEPT, { i: { leadId, requestId: `accept-${input.idempotencyKey}` } });
    if (acceptLead.stage !== 'SAL') throw new Error(`lead ${leadId} is ${acceptLead.stage} after acceptLead`);
    return input.email;
  });
}
