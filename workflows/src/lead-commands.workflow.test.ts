import { acceptLeadUpdate, closeOpportunityUpdate, engagementSignal, rejectLeadUpdate } from '../../libs/contracts/src/lead-workflow';
import { FakeLeadWorld } from '../../test/support/workflow/fake-lead-activities';
import { actor, refusal, rep, useLeadHarness } from '../../test/support/workflow/lead-harness';
import { LEAD_HISTORY_LIMIT } from './lead.workflow';

// On a real dev server: how the server admits concurrent updates and a flood of signals is the
// point here. At most 10 updates at once: past Temporal's in-flight limit per workflow the
// server aborts admitted updates (the API therefore sends one command per lead at a time).
const { withWorker, start, now, state, until, routedLead, opportunity, runsOf, signalMany } = useLeadHarness('dev');

describe('lead workflow: concurrent commands take effect exactly once', () => {
  it('10 concurrent closes (won and lost) by the owner: one succeeds, one close is recorded, the rest are refused and change nothing', async () => {
    const world = new FakeLeadWorld();
    world.reps = [rep('rep-a')];
    await withWorker(world, async () => {
      const h = await opportunity(world);
      const closes = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => h.executeUpdate(closeOpportunityUpdate, { args: [{ actor: actor('rep-a'), won: i % 2 === 0, reason: i % 2 === 0 ? 'PRODUCT_FIT' : 'PRICE' }] })),
      );
      const ok = closes.filter((c) => c.status === 'fulfilled');
      expect(ok).toHaveLength(1);
      for (const c of closes.filter((x) => x.status === 'rejected')) expect((c as PromiseRejectedResult).reason.cause.type).toBe('INVALID_TRANSITION');
      await h.result();
      const closed = world.stages().filter((x) => x.startsWith('CLOSED_'));
      expect(closed).toHaveLength(1);
      expect(world.closedOpportunities).toHaveLength(1);
      expect(closed[0]).toBe(world.closedOpportunities[0].won ? 'CLOSED_WON' : 'CLOSED_LOST');
    });
  });

  it('5 accepts racing 5 rejects: exactly one decision is taken', async () => {
    const world = new FakeLeadWorld();
    world.reps = [rep('rep-a')];
    await withWorker(world, async () => {
      const h = await routedLead(world);
      const accept = () => h.executeUpdate(acceptLeadUpdate, { args: [{ actor: actor('rep-a') }] });
      const reject = () => h.executeUpdate(rejectLeadUpdate, { args: [{ actor: actor('rep-a'), code: 'NO_ACTIVE_PRIORITY' }] });
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => (i % 2 ? reject() : accept())));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const decisions = world.stages().filter((x) => x === 'SAL' || x === 'REJECTED');
      expect(decisions).toHaveLength(1);
      if (decisions[0] === 'SAL') {
        expect((await state(h)).stage).toBe('SAL');
        expect(world.cadence).toHaveLength(8);
      }
    });
  });

  it('a command retried with the same update id answers with its first result instead of acting again', async () => {
    const world = new FakeLeadWorld();
    world.reps = [rep('rep-a')];
    await withWorker(world, async () => {
      const h = await routedLead(world);
      // A rejection whose recycle policy needs the rep's date is refused without it (it used to fail the workflow task).
      expect((await refusal(h.executeUpdate(rejectLeadUpdate, { args: [{ actor: actor('rep-a'), code: 'BAD_TIMING' }] }))).type).toBe('BAD_USER_INPUT');
      const first = await h.executeUpdate(acceptLeadUpdate, { args: [{ actor: actor('rep-a') }], updateId: 'acceptLead:rep-a:req-1' });
      const again = await h.executeUpdate(acceptLeadUpdate, { args: [{ actor: actor('rep-a') }], updateId: 'acceptLead:rep-a:req-1' });
      expect(again).toEqual(first);
      expect(world.stages().filter((x) => x === 'SAL')).toHaveLength(1);
      // A new request id is a new command: accepting twice is refused.
      expect((await refusal(h.executeUpdate(acceptLeadUpdate, { args: [{ actor: actor('rep-a') }], updateId: 'acceptLead:rep-a:req-2' }))).type).toBe('INVALID_TRANSITION');
      await h.terminate();
    });
  });
});

describe('lead workflow: bounded history', () => {
  it(`20,000 engagement events on one nurtured lead: every run's history stays under ${LEAD_HISTORY_LIMIT + 1000} events and 1 MB`, async () => {
    const world = new FakeLeadWorld();
    world.reps = [rep('rep-a')];
    await withWorker(world, async () => {
      const h = await start(world);
      const at = (await now()).toISOString();
      await signalMany(h, 20_000, (i) => ({ eventId: `open-${i}`, type: 'EMAIL_OPEN', occurredAt: at }));
      await h.signal(engagementSignal, world.addEvent('DEMO_REQUEST', await now()));
      await until(h, (x) => x.stage === 'MQL' && x.ownerId === 'rep-a', 'MQL after 20,000 events');
      const runs = await runsOf(h);
      expect(runs.length).toBeGreaterThan(5);
      for (const r of runs) {
        expect(r.events).toBeLessThan(LEAD_HISTORY_LIMIT + 1000);
        expect(r.bytes).toBeLessThan(1_000_000);
      }
      expect(world.stages().filter((x) => x === 'MQL')).toHaveLength(1);
      await h.terminate();
    });
  }, 600_000);
});
