import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { acceptLeadUpdate, engagementSignal, logTouchUpdate } from '../../libs/contracts/src/lead-workflow';
import { FakeLeadWorld } from '../../test/support/workflow/fake-lead-activities';
import { actor, refusal, rep, useLeadHarness } from '../../test/support/workflow/lead-harness';

const { env: testEnv, withWorker, start, now, state, until, routedLead, opportunity, runsOf, signalMany } = useLeadHarness();
let env: TestWorkflowEnvironment;
beforeEach(() => {
  env = testEnv();
});

describe('lead workflow: integrations cannot hurt the lead', () => {
  it('a webhook that refuses every delivery (revoked URL) is recorded as failed; the lead is routed, accepted and worked as usual', async () => {
    const world = new FakeLeadWorld();
    world.reps = [rep('rep-a')];
    world.webhookRecipients.add('rep-a');
    world.webhook = async () => {
      throw ApplicationFailure.nonRetryable('webhook refused the notification with 410', 'WEBHOOK_REFUSED');
    };
    await withWorker(world, async () => {
      const h = await routedLead(world);
      await until(h, () => world.deliveryFailures.length > 0, 'the failed delivery recorded');
      expect(world.deliveryFailures).toEqual([{ notificationId: expect.any(String), reason: expect.stringContaining('410') }]);
      expect((await h.executeUpdate(acceptLeadUpdate, { args: [{ actor: actor('rep-a') }] })).stage).toBe('SAL');
      await h.executeUpdate(logTouchUpdate, { args: [{ actor: actor('rep-a'), touchId: 'touch-1', channel: 'CALL', outcome: 'ATTEMPTED', occurredAt: (await now()).toISOString() }] });
      expect((await h.describe()).status.name).toBe('RUNNING');
      expect(world.deliveries).toHaveLength(1); // refused: not retried
      await h.terminate();
    });
  });
});

describe('lead workflow: bad data never jams a lead', () => {
  it('an evaluation a rule rejects is reported, and the next event is evaluated as usual', async () => {
    const world = new FakeLeadWorld();
    world.reps = [rep('rep-a')];
    await withWorker(world, async () => {
      const h = await start(world);
      await h.signal(engagementSignal, world.addEvent('SITE_VISIT', 'not-an-instant'));
      await until(h, () => world.evaluations === 1, 'the failed evaluation');
      world.events = world.events.filter((e) => e.occurredAt !== 'not-an-instant'); // what quarantine does in the real activity
      await h.signal(engagementSignal, world.addEvent('DEMO_REQUEST', await now()));
      const s = await until(h, (x) => x.stage === 'MQL' && x.ownerId === 'rep-a', 'MQL after the bad event');
      expect(s.hot).toBe(true);
      await h.terminate();
    });
  });
});

describe('lead workflow: opt-out and bounce in every stage', () => {
  it('MQL: an unsubscribe disqualifies OPTED_OUT, tells the owner, and the lead can no longer be accepted', async () => {
    const world = new FakeLeadWorld();
    world.reps = [rep('rep-a')];
    await withWorker(world, async () => {
      const h = await routedLead(world);
      await h.signal(engagementSignal, world.addEvent('UNSUBSCRIBE', await now()));
      await h.result();
      expect(world.stages().slice(-1)).toEqual(['DISQUALIFIED']);
      expect(world.notificationsOf('LEAD_OPTED_OUT')).toEqual([expect.objectContaining({ recipientId: 'rep-a' })]);
      expect(world.lead.optedOutAt).toBeDefined();
      expect([...world.clocks.values()].filter((c) => c.status === 'PENDING')).toEqual([]);
    });
  });

  it('OPPORTUNITY: an unsubscribe keeps the deal open, flags the lead and refuses e-mail touches (calls still go)', async () => {
    const world = new FakeLeadWorld();
    world.reps = [rep('rep-a')];
    await withWorker(world, async () => {
      const h = await opportunity(world);
      await h.signal(engagementSignal, world.addEvent('UNSUBSCRIBE', await now()));
      await until(h, (x) => x.optedOut, 'opt-out flagged');
      const email = { actor: actor('rep-a'), touchId: 'touch-email', channel: 'EMAIL', outcome: 'ATTEMPTED', occurredAt: (await now()).toISOString() };
      expect(await refusal(h.executeUpdate(logTouchUpdate, { args: [email] }))).toEqual({ type: 'INVALID_TRANSITION', message: expect.stringContaining('opted out') });
      await h.executeUpdate(logTouchUpdate, { args: [{ ...email, touchId: 'touch-call', channel: 'CALL' }] });
      expect((await state(h)).stage).toBe('OPPORTUNITY');
      expect(world.notificationsOf('LEAD_OPTED_OUT')).toHaveLength(1);
      // Delivered twice, it changes nothing the second time.
      await h.signal(engagementSignal, world.addEvent('UNSUBSCRIBE', await now()));
      await h.signal(engagementSignal, world.addEvent('EMAIL_BOUNCE', await now()));
      await until(h, () => world.notificationsOf('EMAIL_BOUNCED').length === 1, 'the owner told of the bounce');
      expect((await state(h)).emailBounced).toBe(true);
      expect(world.notificationsOf('LEAD_OPTED_OUT')).toHaveLength(1);
      expect((await state(h)).stage).toBe('OPPORTUNITY');
      await h.terminate();
    });
  });

  it('SAL: a bounce returns the lead to marketing for data repair', async () => {
    const world = new FakeLeadWorld();
    world.reps = [rep('rep-a')];
    await withWorker(world, async () => {
      const h = await routedLead(world);
      await h.executeUpdate(acceptLeadUpdate, { args: [{ actor: actor('rep-a') }] });
      await h.signal(engagementSignal, world.addEvent('EMAIL_BOUNCE', await now()));
      await until(h, () => world.stages().includes('RECYCLED'), 'recycled');
      await env.sleep(1000); // the hand-over timer
      await until(h, (x) => x.cycle === 1, 'recycled into a new cycle');
      const recycled = world.transitions.find((t) => t.toStage === 'RECYCLED')!;
      expect(recycled.details).toEqual(expect.objectContaining({ action: 'DATA_REPAIR', reason: 'EMAIL_BOUNCE' }));
      await h.terminate();
    });
  });
});

describe('lead workflow: bounded history', () => {
  it('a worked lead hands over to a new run with its owner, cadence and pending clock; the clock breaches once, at its due instant', async () => {
    const world = new FakeLeadWorld();
    world.reps = [rep('rep-a')];
    await withWorker(world, async () => {
      const h = await routedLead(world);
      await h.executeUpdate(acceptLeadUpdate, { args: [{ actor: actor('rep-a') }] });
      const before = await state(h);
      const firstTouch = before.clocks.find((c) => c.kind.startsWith('FIRST_TOUCH'))!;
      const at = (await now()).toISOString();
      await signalMany(h, 2_200, (i) => ({ eventId: `reply-${i}`, type: 'EMAIL_REPLY', occurredAt: at }));
      expect((await runsOf(h)).length).toBeGreaterThan(1);
      const after = await state(h);
      expect([after.stage, after.ownerId, after.cadence.length, after.cadenceExit]).toEqual(['SAL', 'rep-a', 8, 'CONNECTED']);
      expect(after.clocks.find((c) => c.key === firstTouch.key)?.status).toBe('PENDING');
      await env.sleep(new Date(firstTouch.dueAt).getTime() - (await env.currentTimeMs()) + 60_000);
      await until(h, (x) => x.clocks.some((c) => c.key === firstTouch.key && c.status === 'BREACHED'), 'the carried clock breaches');
      expect(world.breaches()).toHaveLength(1);
      await h.executeUpdate(logTouchUpdate, { args: [{ actor: actor('rep-a'), touchId: 'touch-after', channel: 'CALL', outcome: 'ATTEMPTED', occurredAt: (await now()).toISOString() }] });
      expect([...world.touches.values()]).toEqual([{ repId: 'rep-a', cadenceStep: 1 }]);
      await h.terminate();
    });
  }, 300_000);
});
