import { fileKey, fileTypeOf, parseIsoInstant, parseLifecycleRow, parseOpportunityRow, parsePersonRow, parseTargetRow, parseTouchpointRow } from './native-format';
import { historicalClocks, orderViolation, StageEntry } from './lifecycle';
import { DEFAULT_STAGE_DEFINITION_V1 } from '../stage-definition';
import type { BusinessCalendar } from '../business-hours';

const rules = (r: { ok: boolean; violations?: { field: string; rule: string }[] }) => (r.ok ? [] : r.violations!.map((v) => `${v.field}:${v.rule}`));

describe('native import rows', () => {
  it('accepts ISO-8601 instants with an offset or Z only', () => {
    expect(parseIsoInstant('2025-02-03T09:59:00Z')?.toISOString()).toBe('2025-02-03T09:59:00.000Z');
    expect(parseIsoInstant('2025-02-03T10:59:00+01:00')?.toISOString()).toBe('2025-02-03T09:59:00.000Z');
    for (const bad of ['2025-02-03 09:59', '2025-02-03T09:59:00', '2025-02-30T09:00:00Z', '03/02/2025', '']) expect(parseIsoInstant(bad)).toBeNull();
  });

  it('people: email and created_at are required; the created_at rule is named', () => {
    expect(rules(parsePersonRow({ email: 'A@X.test', created_at: '2025-01-01T00:00:00Z' }))).toEqual([]);
    expect(parsePersonRow({ email: 'A@X.test', created_at: '2025-01-01T00:00:00Z' })).toMatchObject({ ok: true, value: { email: 'a@x.test', source: 'UNKNOWN' } });
    expect(rules(parsePersonRow({ email: 'nope', created_at: '2025-01-01 00:00' }))).toEqual(['email:EMAIL', 'created_at:ISO_INSTANT_WITH_OFFSET']);
    expect(rules(parsePersonRow({ email: 'a@x.test', company_size: '-3', created_at: '2025-01-01T00:00:00Z' }))).toEqual(['company_size:NON_NEGATIVE']);
  });

  it('lifecycle: events, codes, channels and missing fields come from the stage definition vocabulary', () => {
    const at = '2025-02-03T09:59:00Z';
    expect(rules(parseLifecycleRow({ email: 'a@x.test', occurred_at: at, event: 'ESCALATED' }))).toEqual(['event:KNOWN_VALUE']);
    expect(rules(parseLifecycleRow({ email: 'a@x.test', occurred_at: at, event: 'REJECTED', code: 'TOO_SMALL' }))).toEqual(['code:KNOWN_VALUE']);
    expect(rules(parseLifecycleRow({ email: 'a@x.test', occurred_at: at, event: 'DISQUALIFIED' }))).toEqual(['code:REQUIRED']);
    expect(rules(parseLifecycleRow({ email: 'a@x.test', occurred_at: at, event: 'SALES_TOUCH', channel: 'FAX', outcome: 'CONNECTED' }))).toEqual(['channel:KNOWN_VALUE']);
    expect(parseLifecycleRow({ email: 'a@x.test', occurred_at: at, event: 'mql', missing_fields: 'industry|country', hot: 'true' })).toMatchObject({ ok: true, value: { event: 'MQL', missingFields: ['industry', 'country'], hot: true } });
    expect(rules(parseLifecycleRow({ email: 'a@x.test', occurred_at: at, event: 'MQL', missing_fields: 'shoe_size' }))).toEqual(['missing_fields:KNOWN_VALUE']);
  });

  it('opportunities: amounts are not negative, closed ones have closed_at', () => {
    const base = { email: 'a@x.test', created_at: '2025-02-01T00:00:00Z', expected_close_at: '2025-03-01T00:00:00Z' };
    expect(rules(parseOpportunityRow({ ...base, amount: '-1', status: 'OPEN' }))).toEqual(['amount:NON_NEGATIVE']);
    expect(rules(parseOpportunityRow({ ...base, amount: '10', status: 'WON' }))).toEqual(['closed_at:REQUIRED']);
    expect(rules(parseOpportunityRow({ ...base, amount: '10', status: 'PENDING' }))).toEqual(['status:KNOWN_VALUE']);
    expect(rules(parseOpportunityRow({ ...base, amount: '10', status: 'LOST', closed_at: '2025-01-01T00:00:00Z' }))).toEqual(['closed_at:NOT_BEFORE_CREATED_AT']);
  });

  it('targets and touchpoints', () => {
    expect(rules(parseTargetRow({ month: '2025-13', revenue_target: '0' }))).toEqual(['month:YEAR_MONTH', 'revenue_target:POSITIVE']);
    expect(rules(parseTouchpointRow({ email: 'a@x.test', occurred_at: '2025-02-01T00:00:00Z', type: 'TIKTOK_LIKE' }))).toEqual(['type:KNOWN_VALUE']);
  });

  it('file keys and file names', () => {
    const r = parseLifecycleRow({ email: 'a@x.test', occurred_at: '2025-02-01T00:00:00Z', event: 'SQL' });
    expect(r.ok && fileKey('lifecycle', r.value)).toBe(`a@x.test|SQL|${Date.parse('2025-02-01T00:00:00Z')}`);
    expect(fileTypeOf('/data/export/lifecycle.ndjson')).toEqual({ type: 'lifecycle', format: 'ndjson' });
    expect(fileTypeOf('contacts.csv')).toBeNull();
  });
});

describe('order of imported history', () => {
  const t = (s: string) => Date.parse(s);
  const history: StageEntry[] = [{ at: t('2025-02-01T00:00:00Z'), stage: 'FIRST_TOUCH' }, { at: t('2025-02-03T00:00:00Z'), stage: 'MQL' }];
  it('refuses SQL before any MQL and stage changes before the last recorded one', () => {
    expect(orderViolation(history.slice(0, 1), 'SQL', t('2025-02-02T00:00:00Z'))).toMatch(/needs the lead in SAL/);
    expect(orderViolation(history, 'ACCEPTED', t('2025-02-04T00:00:00Z'))).toBeNull();
    expect(orderViolation(history, 'MQL', t('2025-02-02T00:00:00Z'))).toMatch(/earlier than/);
    expect(orderViolation(history, 'ROUTED', t('2025-02-03T00:00:00Z'))).toBeNull();
    expect(orderViolation(history, 'ROUTED', t('2025-01-01T00:00:00Z'))).toMatch(/before the person was created/);
  });
});

describe('historical SLA clocks', () => {
  // Ben, America/New_York 09:00-17:00 (14:00-22:00Z), Presidents' Day off (the KPI fixture's L03).
  const hours = [{ start: '09:00', end: '17:00' }];
  const ben: BusinessCalendar = { timeZone: 'America/New_York', weekly: { 1: hours, 2: hours, 3: hours, 4: hours, 5: hours }, holidays: ['2025-02-17'] };
  const at = new Date('2025-02-14T23:00:00Z');
  it('a demo request routed after hours: the 15-minute clock starts at the next opening; touched late = breached at due', () => {
    const [accept, touch] = historicalClocks(
      { at, nextRoutingAt: null, calendar: ben, demoRequest: true, hot: true, decision: { at: new Date('2025-02-18T15:59:00Z'), stage: 'SAL' }, firstTouchAt: new Date('2025-02-18T15:00:00Z'), movedOnAt: null },
      DEFAULT_STAGE_DEFINITION_V1.sla,
      new Date('2025-03-10T00:00:00Z'),
    );
    expect(accept).toMatchObject({ kind: 'ACCEPT', status: 'MET', dueAt: new Date('2025-02-18T18:00:00Z') });
    expect(touch).toMatchObject({ kind: 'FIRST_TOUCH_DEMO', status: 'BREACHED', dueAt: new Date('2025-02-18T14:15:00Z'), breachedAt: new Date('2025-02-18T14:15:00Z') });
  });
  it('re-routed before due without a touch: the first-touch clock is cancelled; never decided and past due: breached', () => {
    const clocks = historicalClocks(
      { at: new Date('2025-02-11T14:00:00Z'), nextRoutingAt: new Date('2025-02-11T15:00:00Z'), calendar: ben, demoRequest: false, hot: false, decision: null, firstTouchAt: null, movedOnAt: null },
      DEFAULT_STAGE_DEFINITION_V1.sla,
      new Date('2025-03-10T00:00:00Z'),
    );
    expect(clocks.map((c) => `${c.kind}:${c.status}`)).toEqual(['ACCEPT:CANCELLED', 'FIRST_TOUCH_STANDARD:CANCELLED']);
    const open = historicalClocks({ at: new Date('2025-02-11T14:00:00Z'), nextRoutingAt: null, calendar: ben, demoRequest: false, hot: false, decision: null, firstTouchAt: null, movedOnAt: null }, DEFAULT_STAGE_DEFINITION_V1.sla, new Date('2025-03-10T00:00:00Z'));
    expect(open.map((c) => c.status)).toEqual(['BREACHED', 'BREACHED']);
  });
});

describe('import rows: instants of things that happened lie in the sane range', () => {
  const now = new Date('2025-03-10T00:00:00Z');
  it('refuses rows before 1970 or ahead of the clock, naming the field and rule', () => {
    expect(rules(parseTouchpointRow({ email: 'a@x.test', occurred_at: '0050-01-01T00:00:00Z', type: 'DEMO_REQUEST' }, now))).toEqual(['occurred_at:NOT_BEFORE_1970']);
    expect(rules(parseTouchpointRow({ email: 'a@x.test', occurred_at: '1969-12-31T23:59:59Z', type: 'DEMO_REQUEST' }, now))).toEqual(['occurred_at:NOT_BEFORE_1970']);
    expect(rules(parseTouchpointRow({ email: 'a@x.test', occurred_at: '2025-03-10T00:06:00Z', type: 'DEMO_REQUEST' }, now))).toEqual(['occurred_at:NOT_IN_FUTURE']);
    expect(rules(parseTouchpointRow({ email: 'a@x.test', occurred_at: '2025-03-10T00:05:00Z', type: 'DEMO_REQUEST' }, now))).toEqual([]);
    expect(rules(parsePersonRow({ email: 'a@x.test', created_at: '0999-01-01T00:00:00Z' }, now))).toEqual(['created_at:NOT_BEFORE_1970']);
    expect(rules(parseLifecycleRow({ email: 'a@x.test', occurred_at: '1970-01-01T00:00:00Z', event: 'MQL' }, now))).toEqual([]);
    expect(rules(parseLifecycleRow({ email: 'a@x.test', occurred_at: '0001-01-01T00:00:00Z', event: 'MQL' }, now))).toEqual(['occurred_at:NOT_BEFORE_1970']);
    expect(rules(parseOpportunityRow({ email: 'a@x.test', created_at: '2025-01-01T00:00:00Z', amount: '10', expected_close_at: '2025-06-01T00:00:00Z', status: 'WON', closed_at: '1960-01-01T00:00:00Z' }, now))).toEqual(['closed_at:NOT_BEFORE_1970']);
    // Expected close dates lie ahead by nature: no upper bound there.
    expect(rules(parseOpportunityRow({ email: 'a@x.test', created_at: '2025-01-01T00:00:00Z', amount: '10', expected_close_at: '2026-06-01T00:00:00Z', status: 'OPEN' }, now))).toEqual([]);
    // Without a clock only the lower bound applies.
    expect(rules(parseTouchpointRow({ email: 'a@x.test', occurred_at: '0050-01-01T00:00:00Z', type: 'DEMO_REQUEST' }))).toEqual(['occurred_at:NOT_BEFORE_1970']);
  });
});
