import { randomUUID } from 'node:crypto';
import {
  aggregateByChannel,
  attribute,
  ATTRIBUTION_MODELS,
  AttributionCredit,
  BusinessCalendar,
  businessMinutesBetween,
  Touchpoint,
} from '../libs/domain/src';
import { DEMO, gqlOk, sql, tokenFor } from './support/system';

// The SQL twins of pure domain formulas must agree with them exactly: the database computes
// the KPIs, libs/domain states the rule. Randomised inputs with a fixed seed.

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney', 'UTC', 'America/Sao_Paulo'];
const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

function randomCalendar(r: () => number): BusinessCalendar {
  const weekly: BusinessCalendar['weekly'] = {};
  for (const d of [0, 1, 2, 3, 4, 5, 6] as const) {
    if (r() < 0.3) continue;
    // Windows start between 05:00 and 20:45 (never inside a DST gap); some run overnight until <= 01:00.
    const start = 300 + Math.floor(r() * 64) * 15;
    const overnight = r() < 0.15;
    const end = overnight ? Math.floor(r() * 5) * 15 : Math.min(start + 60 + Math.floor(r() * 40) * 15, 23 * 60 + 45);
    weekly[d] = [{ start: hhmm(start), end: hhmm(end) }];
  }
  if (Object.keys(weekly).length === 0) weekly[1] = [{ start: '09:00', end: '17:00' }];
  const holidays = r() < 0.5 ? ['2026-03-30', '2026-10-26', '2026-12-25'] : [];
  return { timeZone: ZONES[Math.floor(r() * ZONES.length)], weekly, holidays };
}

describe('SQL twins of the domain formulas', () => {
  it('baton_business_minutes equals businessMinutesBetween over random calendars, spans and DST changes', async () => {
    const r = rng(20261123);
    const cases = Array.from({ length: 300 }, () => {
      const calendar = randomCalendar(r);
      // Spans around the 2026 DST changes (March/April and October/November) and ordinary weeks.
      const base = Date.parse(['2026-03-26T00:00:00Z', '2026-10-22T00:00:00Z', '2026-06-10T00:00:00Z', '2026-04-02T00:00:00Z'][Math.floor(r() * 4)]);
      const from = new Date(base + Math.floor(r() * 7 * 24 * 60) * 60_000 + Math.floor(r() * 60) * 1000);
      const to = new Date(from.getTime() + Math.floor(r() * 12 * 24 * 60) * 60_000);
      return { calendar, from, to };
    });
    const rows = await sql<{ i: number; minutes: string }>(
      `SELECT c.i, baton_business_minutes(c.cal, c.f, c.t) AS minutes
       FROM unnest($1::jsonb[], $2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS c(cal, f, t, i)`,
      [cases.map((c) => JSON.stringify(c.calendar)), cases.map((c) => c.from.toISOString()), cases.map((c) => c.to.toISOString())],
    );
    expect(rows).toHaveLength(cases.length);
    const mismatches = rows
      .map((row) => {
        const c = cases[Number(row.i) - 1];
        return { ...c, sql: Number(row.minutes), domain: businessMinutesBetween(c.calendar, c.from, c.to) };
      })
      .filter((m) => Math.abs(m.sql - m.domain) > 1e-6);
    expect(mismatches).toEqual([]);
    // The comparison means something: most spans have business minutes in them.
    expect(rows.filter((row) => Number(row.minutes) > 0).length).toBeGreaterThan(cases.length / 2);
  });

  it('attribution in SQL credits exactly what libs/domain attribute() credits, for every model', async () => {
    const r = rng(7);
    const channels = ['PAID_SEARCH', 'EMAIL', 'WEBINAR', 'ORGANIC', 'EVENT'];
    const campaigns = ['spring-launch', 'retarget', null];
    const run = randomUUID().slice(0, 8);
    // A year no other test writes to: every opportunity of the period is this test's.
    const yearStart = Date.parse('2024-01-01T00:00:00Z');
    const opportunities: { leadId: string; createdAt: Date; amount: number; touchpoints: Touchpoint[] }[] = [];
    for (let n = 0; n < 40; n++) {
      const leadId = randomUUID();
      const createdAt = new Date(yearStart + Math.floor(r() * 300 + 30) * 86_400_000 + Math.floor(r() * 86_400_000));
      const count = Math.floor(r() * 7); // 0..6 touchpoints, some after the opportunity
      const touchpoints: Touchpoint[] = Array.from({ length: count }, () => ({
        id: randomUUID(),
        at: new Date(createdAt.getTime() - Math.floor((r() - 0.1) * 40 * 86_400_000)),
        channel: channels[Math.floor(r() * channels.length)],
        campaign: campaigns[Math.floor(r() * campaigns.length)] ?? undefined,
      }));
      // The MQL: between the first and the last touch (or none for some leads).
      const ordered = [...touchpoints].filter((t) => t.at <= createdAt).sort((a, b) => a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : 1));
      if (ordered.length > 0 && r() < 0.8) {
        const mqlTouch = ordered[Math.floor(r() * ordered.length)];
        mqlTouch.isMqlTouch = true;
        await sql(`INSERT INTO lead (id, email, source, workflow_id) VALUES ($1, $2, 'WEB', $3)`, [leadId, `attr.${run}.${n}@kpi-sql.test`, `lead:${leadId}`]);
        await sql(
          `INSERT INTO stage_transition (step_key, lead_id, from_stage, to_stage, occurred_at, actor_id, actor_role, reason) VALUES ($1, $2, 'ENGAGED', 'MQL', $3, 'system', 'SYSTEM', 'test')`,
          [`kpi-sql/${run}/${n}/mql`, leadId, new Date(mqlTouch.at.getTime() + 1000)],
        );
      } else {
        await sql(`INSERT INTO lead (id, email, source, workflow_id) VALUES ($1, $2, 'WEB', $3)`, [leadId, `attr.${run}.${n}@kpi-sql.test`, `lead:${leadId}`]);
      }
      for (const t of touchpoints) {
        await sql(
          `INSERT INTO engagement_event (id, idempotency_key, lead_id, type, occurred_at, channel, campaign, via) VALUES ($1, $2, $3, 'WEBINAR_ATTENDED', $4, $5, $6, 'test')`,
          [t.id, `kpi-sql/${t.id}`, leadId, t.at, t.channel, t.campaign ?? null],
        );
      }
      const amount = Math.round(r() * 9_000_000) / 100 + 0.01;
      await sql(
        // Lost a day later (and the lead closed), so nothing of this test stays open into later periods other tests measure.
        `INSERT INTO opportunity (step_key, lead_id, amount, expected_close_at, created_at, status, closed_at, close_reason, bant) VALUES ($1, $2, $3, $4, $4, 'LOST', $5, 'test', '{}')`,
        [`kpi-sql/${run}/${n}/opp`, leadId, amount, createdAt, new Date(createdAt.getTime() + 86_400_000)],
      );
      await sql(
        `INSERT INTO stage_transition (step_key, lead_id, from_stage, to_stage, occurred_at, actor_id, actor_role, reason) VALUES ($1, $2, 'OPPORTUNITY', 'CLOSED_LOST', $3, 'system', 'SYSTEM', 'test')`,
        [`kpi-sql/${run}/${n}/lost`, leadId, new Date(createdAt.getTime() + 86_400_000)],
      );
      opportunities.push({ leadId, createdAt, amount, touchpoints });
    }
    // Only this run's opportunities are in the 2024 period (a rerun against the same database would add more).
    const [{ n: others }] = await sql<{ n: string }>(`SELECT count(*) AS n FROM opportunity WHERE created_at >= '2024-01-01' AND created_at < '2025-01-01' AND step_key NOT LIKE $1`, [`kpi-sql/${run}/%`]);
    expect(Number(others)).toBe(0);

    const revops = await tokenFor(DEMO('revops'));
    await gqlOk(`mutation { updateOrganisationSettings(reportingTimeZone: "UTC") { reportingTimeZone } }`, {}, revops);
    const data = await gqlOk<{ attribution: { byChannel: { model: string; measure: string; key: string; amount: number }[] } }>(
      `query { attribution(period: { from: "2024-01-01", to: "2024-12-31" }) { byChannel { model measure key amount } } }`,
      {},
      revops,
    );
    for (const model of ATTRIBUTION_MODELS) {
      const credits: AttributionCredit[] = opportunities.flatMap((o) => attribute(model, o.touchpoints, o.createdAt, o.amount));
      const expected = aggregateByChannel(credits).map((t) => ({ key: t.channel, amount: t.amount })).sort((a, b) => a.key.localeCompare(b.key));
      const actual = data.attribution.byChannel
        .filter((t) => t.model === model && t.measure === 'PIPELINE')
        .map((t) => ({ key: t.key, amount: t.amount }))
        .sort((a, b) => a.key.localeCompare(b.key));
      expect({ model, totals: actual }).toEqual({ model, totals: expected });
    }
  });
});
