import { BusinessCalendar } from './business-hours';
import { chooseRep, RepPool, RoutingInput, RoutingRep, RoutingRule, weightedSchedule } from './routing';

const nineToFive = [{ start: '09:00', end: '17:00' }];
const cal = (timeZone: string): BusinessCalendar => ({
  timeZone,
  weekly: { 1: nineToFive, 2: nineToFive, 3: nineToFive, 4: nineToFive, 5: nineToFive },
  holidays: [],
});
const berlin = cal('Europe/Berlin');
const newYork = cal('America/New_York');
// Thursday 10:00 Berlin = 04:00 New York: Berlin reps work, New York reps sleep.
const NOW = new Date('2026-03-12T10:00:00+01:00');

const rep = (id: string, over: Partial<RoutingRep> = {}): RoutingRep => ({
  id, active: true, outOfOffice: [], maxOpenLeads: 50, openLeads: 0, calendar: berlin, ...over,
});
const pool = (repIds: string[], over: Partial<RepPool> = {}): RepPool => ({ id: 'emea-pool', strategy: 'ROUND_ROBIN', repIds, ...over });
const territory = (p: RepPool, match = { regions: ['EMEA'] }): RoutingRule => ({ id: 'emea', kind: 'TERRITORY', match, pool: p });
const lead = { region: 'EMEA', sizeBand: '201-1000', industry: 'SaaS', hot: false };

const input = (over: Partial<RoutingInput>): RoutingInput => ({
  lead,
  rules: [{ id: 'owner', kind: 'ACCOUNT_OWNER' }, territory(pool(['a', 'b', 'c'])), { id: 'fallback', kind: 'FALLBACK', queue: 'unassigned' }],
  reps: ['a', 'b', 'c', 'owner-1'].map((id) => rep(id)),
  pointers: {},
  now: NOW,
  ...over,
});

describe('chooseRep', () => {
  it('the account owner wins', () => {
    const d = chooseRep(input({ lead: { ...lead, accountOwnerId: 'owner-1' } }));
    expect(d).toMatchObject({ repId: 'owner-1', ruleId: 'owner' });
    expect(d.pointerUpdate).toBeUndefined();
    expect(d.trace).toEqual([{ ruleId: 'owner', kind: 'ACCOUNT_OWNER', matched: true, reason: 'account owner owner-1', skipped: [] }]);
  });

  it('an out-of-office owner is skipped with the reason, and the territory decides', () => {
    const reps = [rep('a'), rep('b'), rep('c'), rep('owner-1', { outOfOffice: [{ from: '2026-03-09T00:00:00Z', to: '2026-03-14T00:00:00Z' }] })];
    const d = chooseRep(input({ lead: { ...lead, accountOwnerId: 'owner-1' }, reps }));
    expect(d).toMatchObject({ repId: 'a', ruleId: 'emea', pointerUpdate: { poolId: 'emea-pool', next: 1 } });
    expect(d.trace[0]).toMatchObject({ matched: false, skipped: [{ repId: 'owner-1', reason: 'OUT_OF_OFFICE' }] });
  });

  it('round robin skips inactive, out-of-office and at-capacity reps, saying why', () => {
    const reps = [
      rep('a', { active: false }),
      rep('b', { outOfOffice: [{ from: '2026-03-12T08:00:00Z', to: '2026-03-12T12:00:00Z' }] }),
      rep('c', { openLeads: 10, maxOpenLeads: 10 }),
      rep('d'),
    ];
    const d = chooseRep(input({ rules: [territory(pool(['a', 'b', 'c', 'd']))], reps }));
    expect(d).toMatchObject({ repId: 'd', pointerUpdate: { poolId: 'emea-pool', next: 0 } });
    expect(d.trace[0].skipped).toEqual([
      { repId: 'a', reason: 'INACTIVE' },
      { repId: 'b', reason: 'OUT_OF_OFFICE' },
      { repId: 'c', reason: 'AT_CAPACITY' },
    ]);
  });

  it('out of office is [from, to): back at `to` exactly', () => {
    const reps = [rep('a', { outOfOffice: [{ from: '2026-03-01T00:00:00Z', to: NOW.toISOString() }] })];
    expect(chooseRep(input({ rules: [territory(pool(['a']))], reps })).repId).toBe('a');
  });

  it('hot leads skip reps outside working hours; other leads do not', () => {
    const reps = [rep('ny', { calendar: newYork }), rep('ber')];
    const rules = [territory(pool(['ny', 'ber']))];
    const hot = chooseRep(input({ lead: { ...lead, hot: true }, rules, reps }));
    expect(hot.repId).toBe('ber');
    expect(hot.trace[0].skipped).toEqual([{ repId: 'ny', reason: 'OUTSIDE_HOURS' }]);
    expect(chooseRep(input({ rules, reps })).repId).toBe('ny');
  });

  it('100 successive assignments spread evenly (+-1) and continue from the stored cursor', () => {
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    let pointers: Record<string, number> = {};
    const order: string[] = [];
    for (let i = 0; i < 100; i += 1) {
      const d = chooseRep(input({ pointers }));
      counts[d.repId!] += 1;
      order.push(d.repId!);
      pointers = { ...pointers, [d.pointerUpdate!.poolId]: d.pointerUpdate!.next };
    }
    expect(counts).toEqual({ a: 34, b: 33, c: 33 });
    expect(order.slice(0, 4)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('weighted round robin is deterministic, proportional and interleaved (3:1)', () => {
    const rules = [territory(pool(['a', 'b'], { strategy: 'WEIGHTED_ROUND_ROBIN', weights: { a: 3, b: 1 } }))];
    const counts: Record<string, number> = { a: 0, b: 0 };
    const order: string[] = [];
    let pointers: Record<string, number> = {};
    for (let i = 0; i < 100; i += 1) {
      const d = chooseRep(input({ rules, pointers }));
      counts[d.repId!] += 1;
      order.push(d.repId!);
      pointers = { [d.pointerUpdate!.poolId]: d.pointerUpdate!.next };
    }
    expect(counts).toEqual({ a: 75, b: 25 });
    expect(order.slice(0, 8)).toEqual(['a', 'a', 'b', 'a', 'a', 'a', 'b', 'a']);
    expect(weightedSchedule(['x', 'y', 'z'], [5, 1, 1])).toEqual(['x', 'x', 'y', 'x', 'z', 'x', 'x']);
  });

  it('weighted round robin falls through to the next slot when a rep is ineligible', () => {
    const rules = [territory(pool(['a', 'b'], { strategy: 'WEIGHTED_ROUND_ROBIN', weights: { a: 3, b: 1 } }))];
    const d = chooseRep(input({ rules, reps: [rep('a', { active: false }), rep('b')] }));
    expect(d).toMatchObject({ repId: 'b', pointerUpdate: { next: 3 } });
    expect(d.trace[0].skipped).toEqual([{ repId: 'a', reason: 'INACTIVE' }]);
  });

  it('least loaded picks the rep with the fewest open leads; ties follow the cursor', () => {
    const rules = [territory(pool(['a', 'b', 'c'], { strategy: 'LEAST_LOADED' }))];
    const reps = [rep('a', { openLeads: 5 }), rep('b', { openLeads: 2 }), rep('c', { openLeads: 2 })];
    expect(chooseRep(input({ rules, reps })).repId).toBe('b');
    expect(chooseRep(input({ rules, reps, pointers: { 'emea-pool': 2 } })).repId).toBe('c');
  });

  it('a territory that does not match says why, and the fallback queue takes the lead', () => {
    const d = chooseRep(input({ lead: { ...lead, region: 'APAC' } }));
    expect(d).toMatchObject({ queue: 'unassigned', ruleId: 'fallback' });
    expect(d.repId).toBeUndefined();
    expect(d.trace.map((t) => [t.ruleId, t.matched, t.reason])).toEqual([
      ['owner', false, 'account has no owner'],
      ['emea', false, 'region APAC not in [EMEA]'],
      ['fallback', true, 'fallback queue unassigned'],
    ]);
  });

  it('a pool with nobody eligible falls back to the fallback owner, without moving the cursor', () => {
    const reps = [rep('a', { active: false }), rep('b', { active: false }), rep('c', { active: false }), rep('manager')];
    const rules: RoutingRule[] = [territory(pool(['a', 'b', 'c'])), { id: 'fallback', kind: 'FALLBACK', repId: 'manager' }];
    const d = chooseRep(input({ rules, reps, pointers: { 'emea-pool': 1 } }));
    expect(d).toMatchObject({ repId: 'manager', ruleId: 'fallback' });
    expect(d.pointerUpdate).toBeUndefined();
    expect(d.trace[0]).toMatchObject({ matched: false, reason: 'no eligible rep in pool emea-pool' });
  });

  it('with no rule able to take the lead the decision is empty but explained', () => {
    const d = chooseRep(input({ rules: [territory(pool(['ghost']))] }));
    expect(d.repId).toBeUndefined();
    expect(d.queue).toBeUndefined();
    expect(d.trace[0].skipped).toEqual([{ repId: 'ghost', reason: 'UNKNOWN_REP' }]);
  });
});
