import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  acceptLeadUpdate,
  AdoptedLeadState,
  CarriedLeadState,
  closeOpportunityUpdate,
  disqualifyLeadUpdate,
  engagementSignal,
  leadStateQuery,
  LeadWorkflowState,
  LogTouchCommand,
  logTouchUpdate,
  rejectLeadUpdate,
} from '../../libs/contracts/src/lead-workflow';
import { addBusinessDays, addLocalDays, cadenceWindows, DEFAULT_STAGE_DEFINITION_V1, localDateOf, slaDueAt, stepStatus, weekdayOf, zonedTimeToInstant } from '../../libs/domain/src';
import { FakeLeadWorld, officeHours } from '../../test/support/workflow/fake-lead-activities';
import { actor, BERLIN, DAY, HOUR, refusal, rep, useLeadHarness } from '../../test/support/workflow/lead-harness';


const { env: testEnv, withWorker, start, now, state, until, routedLead } = useLeadHarness();
let env: TestWorkflowEnvironment;
beforeEach(() => {
  env = testEnv();
});

describe('lead workflow: handoff', () => {
  it('five email opens never make an MQL; the score stays capped', async () => {
    const world = new FakeLeadWorld();
    world.reps = [rep('rep-a')];
    await withWorker(world, async () => {
      const h = await start(world);
      const t = await now();
      for (let i = 0; i < 5; i++) await h.signal(engagementSignal, world.addEvent('EMAIL_OPEN', new Date(t.getTime() - i * HOUR)));
      await until(h, (s) => s.stage === 'ENGAGED', 'ENGAGED');
      await env.sleep('1 hour');
      const s = await state(h);
      expect(s.stage).toBe('ENGAGED');
      expect(world.stages()).not.toContain('MQL');
      expect(world.lead.intentScore).toBeLessThanOrEqual(DEFAULT_CAP_EMAIL_OPEN);
      await h.terminate();
    });
  });

  it('pricing viewed 3 times within 7 days makes exactly one MQL, recording the definition version', async () => {
    const world = new FakeLeadWorld();
    world.reps = [rep('rep-a')];
    world.definition = { ...world.definition, version: 7 };
    await withWorker(world, async () => {
      const h = await start(world);
      const t = await now();
      await h.signal(engagementSignal, world.addEvent('PRICING_PAGE_VIEW', new Date(t.getTime() - 5 * DAY)));
      await h.signal(engagementSignal, world.addEvent('PRICING_PAGE_VIEW', new Date(t.getTime() - 2 * DAY)));
      await until(h, (s) => s.stage === 'ENGAGED', 'ENGAGED');
      expect(world.stages()).not.toContain('MQL');
      await h.signal(engagementSignal, world.addEvent('PRICING_PAGE_VIEW', new Date(t.getTime() - HOUR)));
      const s = await until(h, (x) => x.ownerId === 'rep-a', 'routed');
      // A fourth view after the handoff changes nothing.
      await h.signal(engagementSignal, world.addEvent('PRICING_PAGE_VIEW', t));
      await env.sleep('1 minute');
      expect(world.stages().filter((x) => x === 'MQL')).toHaveLength(1);
      expect(world.transitions.find((x) => x.toStage === 'MQL')?.definitionVersion).toBe(7);
      expect(world.handoffs.filter((x) => x.outcome === 'MQL')).toEqual([expect.objectContaining({ definitionVersion: 7 })]);
      expect(s.definitionVersion).toBe(7);
      expect(world.notificationsOf('LEAD_ASSIGNED')).toHaveLength(1);
      await h.terminate();
    });
  });

  it('a lead that meets the triggers but lacks required fields is held INCOMPLETE until enriched', async () => {
    const world = new FakeLeadWorld();
    world.reps = [rep('rep-a')];
    world.profile = { ...world.profile, country: undefined };
    await withWorker(world, async () => {
      const h = await start(world);
      await h.signal(engagementSignal, world.addEvent('DEMO_REQUEST', await now()));
      await until(h, (s) => s.stage === 'INCOMPLETE', 'INCOMPLETE');
      expect(world.handoffs.map((x) => x.outcome)).toEqual(['INCOMPLETE']);
      world.profile = { ...world.profile, country: 'DE' };
      await h.signal('profileChanged');
      await until(h, (s) => s.ownerId === 'rep-a', 'MQL after enrichment');
      expect(world.stages()).toEqual(['FIRST_TOUCH', 'ENGAGED', 'INCOMPLETE', 'MQL']);
      await h.terminate();
    });
  });
});

/** The first `weekday` (0 = Sunday) after `from`'s Berlin date, at `minuteOfDay` Berlin time. */
function nextWeekdayAt(from: Date, weekday: number, minuteOfDay: number): Date {
  let d = addLocalDays(localDateOf(from, BERLIN), 1);
  while (weekdayOf(d) !== weekday) d = addLocalDays(d, 1);
  return zonedTimeToInstant(d, minuteOfDay, BERLIN);
}

/** The next Friday 16:30 Berlin after `from`, and the Monday after it. */
function nextFriday1630(from: Date): { at: Date; monday: string } {
  let d = localDateOf(from, BERLIN);
  for (;;) {
    d = addLocalDays(d, 1);
    if (weekdayOf(d) === 5) break;
  }
  return { at: zonedTimeToInstant(d, 16 * 60 + 30, BERLIN), monday: addLocalDays(d, 3) };
}

describe('lead workflow: SLA clocks in business hours', () => {
  it('a hot lead routed Friday 16:30 Berlin (Monday a holiday) is due Tuesday 10:30; missing it records one breach and notifies the manager', async () => {
    const world = new FakeLeadWorld();
    const { at, monday } = nextFriday1630(await now());
    world.reps = [rep('rep-a', [monday]), rep('rep-b', [monday])];
    await env.sleep(at.getTime() - (await env.currentTimeMs()));
    await withWorker(world, async () => {
      const h = await start(world);
      await h.signal(engagementSignal, world.addEvent('CONTACT_SALES', await now()));
      const s = await until(h, (x) => x.ownerId === 'rep-a' && x.clocks.length >= 2, 'routed with clocks');
      const firstTouch = s.clocks.find((c) => c.kind === 'FIRST_TOUCH_HOT')!;
      const tuesday1030 = zonedTimeToInstant(addLocalDays(monday, 1), 10 * 60 + 30, BERLIN);
      // Real seconds pass between the skip to 16:30 and the routing; the clock must carry exactly them.
      const lateBy = new Date(firstTouch.startedAt).getTime() - at.getTime();
      expect(lateBy).toBeGreaterThanOrEqual(0);
      expect(lateBy).toBeLessThan(60_000);
      expect(new Date(firstTouch.dueAt).getTime()).toBe(tuesday1030.getTime() + lateBy);
      // Accept in time (the accept clock is met), but let the first-touch clock lapse.
      await h.executeUpdate(acceptLeadUpdate, { args: [{ actor: actor('rep-a') }] });
      await env.sleep(new Date(firstTouch.dueAt).getTime() - (await env.currentTimeMs()) + 60_000);
      await until(h, (x) => x.clocks.some((c) => c.kind === 'FIRST_TOUCH_HOT' && c.status === 'BREACHED'), 'breach');
      await env.sleep('1 day');
      expect(world.breaches()).toEqual([expect.objectContaining({ kind: 'FIRST_TOUCH_HOT', ownerId: 'rep-a' })]);
      expect([...world.clocks.values()].find((c) => c.kind === 'ACCEPT')?.status).toBe('MET');
      expect(world.notificationsOf('SLA_BREACH')).toEqual([expect.objectContaining({ recipientId: 'manager-1' })]);
      await h.terminate();
    });
  });

  it('a clock met in time is never breached; a missed accept clock reassigns per policy', async () => {
    const world = new FakeLeadWorld();
    world.reps = [rep('rep-a'), rep('rep-b')];
    await withWorker(world, async () => {
      const h = await start(world);
      await h.signal(engagementSignal, world.addEvent('DEMO_REQUEST', await now()));
      await until(h, (x) => x.ownerId === 'rep-a', 'routed to rep-a');
      // Nobody accepts: at the accept clock's due instant it breaches and the lead moves on.
      const acceptDue = (await state(h)).clocks.find((c) => c.kind === 'ACCEPT')!.dueAt;
      await env.sleep(new Date(acceptDue).getTime() - (await env.currentTimeMs()) + 1000);
      const s = await until(h, (x) => x.ownerId === 'rep-b', 'reassigned to rep-b');
      expect(world.breaches().filter((b) => b.kind === 'ACCEPT')).toEqual([expect.objectContaining({ ownerId: 'rep-a' })]);
      expect(world.routed.at(-1)?.excludeRepIds).toEqual(['rep-a']);
      // rep-b accepts and touches in time: those clocks are met, never breached.
      await h.executeUpdate(acceptLeadUpdate, { args: [{ actor: actor('rep-b') }] });
      await h.executeUpdate(logTouchUpdate, { args: [{ actor: actor('rep-b'), touchId: 't1', channel: 'CALL', outcome: 'ATTEMPTED', occurredAt: (await now()).toISOString() }] });
      await env.sleep('10 days');
      const after = await state(h);
      const rebClocks = after.clocks.filter((c) => c.ownerId === 'rep-b');
      expect(rebClocks.map((c) => c.status).sort()).toEqual(['MET', 'MET', 'MET']);
      expect(world.breaches().filter((b) => b.ownerId === 'rep-b')).toEqual([]);
      expect(s.stage).toBe('MQL');
      await h.terminate();
    });
  });
});

describe('lead workflow: adopting an imported open lead', () => {
  it('starts where the imported history stands: the accept clock runs from the imported routing, in the owner\'s business hours', async () => {
    const world = new FakeLeadWorld();
    world.reps = [rep('rep-a'), rep('rep-b')];
    await withWorker(world, async () => {
      // Imported: routed to rep-a three hours ago, not accepted yet.
      const routedAt = new Date((await env.currentTimeMs()) - 3 * HOUR);
      const expectedDue = slaDueAt('ACCEPT', DEFAULT_STAGE_DEFINITION_V1.sla, rep('rep-a').calendar, routedAt);
      const h = await start(world, {
        capturedAt: routedAt.toISOString(),
        adopted: { stage: 'MQL', ownerId: 'rep-a', routedAt: routedAt.toISOString(), hot: false, demoRequest: false },
      });
      const s = await until(h, (x) => x.clocks.some((c) => c.kind === 'ACCEPT'), 'the adopted accept clock');
      expect(s.stage).toBe('MQL');
      expect(s.ownerId).toBe('rep-a');
      expect(world.routed).toEqual([]);
      const clock = s.clocks.find((c) => c.kind === 'ACCEPT')!;
      expect(clock.startedAt).toBe(routedAt.toISOString());
      expect(clock.dueAt).toBe(expectedDue.toISOString());
      // Not before its business-hours deadline...
      const untilDue = expectedDue.getTime() - (await env.currentTimeMs());
      if (untilDue > 60_000) {
        await env.sleep(untilDue - 60_000);
        expect((await state(h)).clocks.find((c) => c.kind === 'ACCEPT')!.status).toBe('PENDING');
        expect(world.breaches()).toEqual([]);
      }
      // ...and at it: the breach is recorded and the lead goes to the next rep (policy).
      await env.sleep(Math.max(expectedDue.getTime() - (await env.currentTimeMs()), 0) + 1000);
      await until(h, (x) => x.ownerId === 'rep-b', 'reassigned after the missed accept clock');
      expect(world.breaches()).toEqual([expect.objectContaining({ kind: 'ACCEPT', ownerId: 'rep-a', dueAt: expectedDue.toISOString() })]);
      await h.terminate();
    });
  });
});

/** The fake world, also keeping what the adoption writes beyond it: done cadence steps. */
class AdoptionWorld extends FakeLeadWorld {
  cadenceRows: { cycle: number; step: number; dueAt: string; opensAt?: string; closesAt?: string; doneAt?: string; touchId?: string }[] = [];

  override activities(): ReturnType<FakeLeadWorld['activities']> {
    const base = super.activities();
    return {
      ...base,
      recordCadence: async (input) => {
        await base.recordCadence(input);
        for (const st of input.steps) {
          if (!this.cadenceRows.some((c) => c.cycle === input.cycle && c.step === st.step)) this.cadenceRows.push({ cycle: input.cycle, step: st.step, dueAt: st.dueAt, opensAt: st.opensAt, closesAt: st.closesAt, doneAt: st.doneAt, touchId: st.touchId });
        }
      },
    };
  }
}

/** Start an imported lead's workflow as `startAdoptedLeads` does: `adopted` with `carried` beside it. */
async function startAdopted(world: FakeLeadWorld, adopted: AdoptedLeadState, recycleCount = 0) {
  const carried: CarriedLeadState = { cycle: recycleCount, stage: adopted.stage, recycleCount, reengageAfter: null };
  return start(world, { capturedAt: adopted.routedAt, adopted, carried });
}

/** An imported touch, logged half an hour after it happened. */
const importedTouch = (id: string, channel: string, occurredAt: Date, outcome = 'NO_ANSWER') => ({
  id,
  channel,
  outcome,
  occurredAt: occurredAt.toISOString(),
  loggedAt: new Date(occurredAt.getTime() + HOUR / 2).toISOString(),
});

describe('lead workflow: adopting an imported SAL or opportunity', () => {
  it('an imported touch settles the adopted MQL\'s first-touch clock: only the accept clock runs', async () => {
    const world = new AdoptionWorld();
    world.reps = [rep('rep-a')];
    await withWorker(world, async () => {
      const routedAt = new Date((await env.currentTimeMs()) - HOUR);
      const h = await startAdopted(world, { stage: 'MQL', ownerId: 'rep-a', routedAt: routedAt.toISOString(), hot: true, demoRequest: false, touches: [importedTouch('00000000-0000-4000-8000-000000000001', 'CALL', new Date(routedAt.getTime() + 10 * 60_000))] });
      const s = await until(h, (x) => x.clocks.length > 0, 'the adopted clocks');
      await env.sleep('1 minute');
      expect((await state(h)).clocks.map((c) => c.kind)).toEqual(['ACCEPT']);
      expect(s.touches).toHaveLength(1);
      await h.terminate();
    });
  });

  it('a SAL resumes its cadence from the imported acceptance: imported touches fill their steps in their windows, UNRESPONSIVE waits for the full cadence', async () => {
    const world = new AdoptionWorld();
    world.reps = [rep('rep-a')];
    // Skip to a Thursday 10:00 Berlin: the import accepted the lead on the Monday before, at 10:00.
    const thursday = nextWeekdayAt(await now(), 4, 10 * 60);
    await env.sleep(thursday.getTime() - (await env.currentTimeMs()));
    await withWorker(world, async () => {
      const acceptedAt = new Date(thursday.getTime() - 3 * DAY);
      const routedAt = new Date(acceptedAt.getTime() - 2 * HOUR);
      const touches = [
        importedTouch('00000000-0000-4000-8000-000000000011', 'CALL', new Date(acceptedAt.getTime() + HOUR)),
        importedTouch('00000000-0000-4000-8000-000000000012', 'EMAIL', new Date(acceptedAt.getTime() + 2 * HOUR)),
        importedTouch('00000000-0000-4000-8000-000000000013', 'CALL', new Date(acceptedAt.getTime() + DAY + HOUR)),
      ];
      const h = await startAdopted(world, { stage: 'SAL', ownerId: 'rep-a', routedAt: routedAt.toISOString(), hot: false, demoRequest: false, acceptedAt: acceptedAt.toISOString(), touches });
      const s = await until(h, (x) => x.ownerId === 'rep-a' && x.cadence.length > 0, 'the adopted cadence');
      expect(s.stage).toBe('SAL');
      expect(s.touches.map((t) => t.id)).toEqual(touches.map((t) => t.id));
      // Planned as acceptLead would have planned it at the imported acceptance, in the owner's calendar.
      const planned = cadenceWindows(DEFAULT_STAGE_DEFINITION_V1.cadence, rep('rep-a').calendar, acceptedAt, DEFAULT_STAGE_DEFINITION_V1.sla.touchLoggingMinutes);
      expect(s.cadence.map((c) => [c.step, c.channel, c.dueAt, c.opensAt, c.closesAt])).toEqual(
        planned.map((p) => [p.step, p.channel, p.dueAt.toISOString(), p.opensAt.toISOString(), p.closesAt.toISOString()]),
      );
      // CALL fills step 1 (day 1 call), EMAIL step 2 (day 1 email); Tuesday's CALL fills nothing: day 4's call opens on Thursday.
      expect(s.cadence.filter((c) => c.doneAt).map((c) => [c.step, c.doneAt, c.touchId])).toEqual([
        [1, touches[0].loggedAt, touches[0].id],
        [2, touches[1].loggedAt, touches[1].id],
      ]);
      expect(s.clocks).toEqual([]); // no accept clock (accepted), no first-touch clock (touched)
      expect(s.cadenceExit).toBeNull();
      expect(world.routed).toEqual([]);
      expect(world.notificationsOf('LEAD_ASSIGNED')).toEqual([]);
      expect(world.transitions).toEqual([]);
      // The cadence rows: planned steps with their windows, the filled ones done and linked to their touch rows.
      expect(world.cadenceRows).toHaveLength(8);
      expect(world.cadenceRows.every((c) => c.opensAt && c.closesAt)).toBe(true);
      expect(world.cadenceRows.filter((c) => c.touchId).map((c) => [c.cycle, c.step, c.doneAt, c.touchId])).toEqual([
        [0, 1, touches[0].loggedAt, touches[0].id],
        [0, 2, touches[1].loggedAt, touches[1].id],
      ]);
      expect(world.cadenceRows.filter((c) => !c.touchId).every((c) => c.doneAt === undefined)).toBe(true);
      // Tuesday's LinkedIn step closed unfilled on Wednesday 17:00: the next due step is Thursday's call.
      expect(world.lead.nextDueAt).toBe(planned[3].dueAt.toISOString());

      // The imported touches count: 3 of 8, so UNRESPONSIVE is refused.
      const unresponsive = { actor: actor('rep-a'), reason: 'UNRESPONSIVE', note: 'no reply' };
      expect((await refusal(h.executeUpdate(disqualifyLeadUpdate, { args: [unresponsive] }))).type).toBe('CADENCE_INCOMPLETE');
      // A touch before the imported routing is refused; a live LinkedIn touch fills no step (day 2's closed), a live call fills day 4's.
      const early = await refusal(h.executeUpdate(logTouchUpdate, { args: [{ actor: actor('rep-a'), touchId: 'live-0', channel: 'CALL', outcome: 'NO_ANSWER', occurredAt: new Date(routedAt.getTime() - HOUR).toISOString() }] }));
      expect(early.type).toBe('BAD_USER_INPUT');
      await h.executeUpdate(logTouchUpdate, { args: [{ actor: actor('rep-a'), touchId: 'live-1', channel: 'CALL', outcome: 'NO_ANSWER', occurredAt: (await now()).toISOString() }] });
      const linked = await state(h);
      expect(linked.cadence.find((c) => c.step === 4)?.touchId).toBe('live-1');
      expect([...world.touches.values()].map((t) => t.cadenceStep)).toEqual([4]);

      // Eight touches in all on six dates, still inside 14 x 24 h of the first imported one: refused.
      for (const [i, channel] of (['EMAIL', 'CALL', 'LINKEDIN', 'EMAIL'] as const).entries()) {
        await env.sleep('1 day');
        await h.executeUpdate(logTouchUpdate, { args: [{ actor: actor('rep-a'), touchId: `live-${i + 2}`, channel, outcome: 'NO_ANSWER', occurredAt: (await now()).toISOString() }] });
      }
      const full = await state(h);
      expect(full.touches).toHaveLength(8);
      expect((await refusal(h.executeUpdate(disqualifyLeadUpdate, { args: [unresponsive] }))).type).toBe('CADENCE_INCOMPLETE');
      // Past 14 x 24 h since the first imported touch: the cadence is complete.
      await env.sleep(new Date(touches[0].occurredAt).getTime() + 14 * DAY - (await env.currentTimeMs()) + HOUR);
      const dq = await h.executeUpdate(disqualifyLeadUpdate, { args: [unresponsive] });
      expect(dq.stage).toBe('RECYCLED');
      await h.terminate();
    });
  });

  it('an open opportunity waits for its close: closeOpportunity by the owner closes the imported opportunity won', async () => {
    const world = new AdoptionWorld();
    world.reps = [rep('rep-a')];
    await withWorker(world, async () => {
      const t0 = await now();
      const acceptedAt = new Date(t0.getTime() - 10 * DAY);
      const opportunityId = '00000000-0000-4000-8000-0000000000aa';
      // No imported touch: still no first-touch clock, the lead is past it.
      const h = await startAdopted(world, { stage: 'OPPORTUNITY', ownerId: 'rep-a', routedAt: new Date(acceptedAt.getTime() - HOUR).toISOString(), hot: true, demoRequest: true, acceptedAt: acceptedAt.toISOString(), touches: [], opportunityId });
      const s = await until(h, (x) => x.ownerId === 'rep-a', 'the adopted owner');
      await env.sleep('1 day');
      const later = await state(h);
      expect(later.stage).toBe('OPPORTUNITY');
      expect(later.opportunityId).toBe(opportunityId);
      expect(later.clocks).toEqual([]);
      expect(later.cadence).toEqual([]);
      expect(s.cadence).toEqual([]);
      expect(world.cadenceRows).toEqual([]);
      expect(world.breaches()).toEqual([]);
      expect((await refusal(h.executeUpdate(closeOpportunityUpdate, { args: [{ actor: actor('rep-x'), won: true, reason: 'signed' }] }))).type).toBe('NOT_OWNER');
      const closed = await h.executeUpdate(closeOpportunityUpdate, { args: [{ actor: actor('rep-a'), won: true, reason: 'signed' }] });
      expect(closed.stage).toBe('CLOSED_WON');
      await h.result();
      expect(world.closedOpportunities).toEqual([{ opportunityId, won: true }]);
      expect(world.stages()).toEqual(['CLOSED_WON']);
    });
  });

  it('keeps the recycle count of earlier cycles: an adopted SAL disqualified NO_BUDGET continues as cycle 3 with recycle count 3', async () => {
    const world = new AdoptionWorld();
    world.reps = [rep('rep-a')];
    await withWorker(world, async () => {
      const acceptedAt = new Date((await env.currentTimeMs()) - DAY);
      const h = await startAdopted(world, { stage: 'SAL', ownerId: 'rep-a', routedAt: new Date(acceptedAt.getTime() - HOUR).toISOString(), hot: false, demoRequest: false, acceptedAt: acceptedAt.toISOString(), touches: [] }, 2);
      const s = await until(h, (x) => x.ownerId === 'rep-a' && x.cadence.length > 0, 'the adopted cadence');
      expect([s.cycle, s.recycleCount]).toEqual([2, 2]);
      expect(new Set(world.cadenceRows.map((c) => c.cycle))).toEqual(new Set([2]));
      const dq = await h.executeUpdate(disqualifyLeadUpdate, { args: [{ actor: actor('rep-a'), reason: 'NO_BUDGET' }] });
      expect(dq.recycleCount).toBe(3);
      await env.sleep(1000); // the run hands over in a workflow task of its own, after a 1 ms timer
      const next = await until(h, (x) => x.cycle === 3, 'continued as new');
      expect([next.stage, next.recycleCount]).toEqual(['RECYCLED', 3]);
      expect(world.lead.recycleCount).toBe(3);
      await h.terminate();
    });
  });
});

describe('lead workflow: time skipping', () => {
  it('sleeps 14 days of a live lead\'s clocks without waiting them out', async () => {
    const world = new FakeLeadWorld();
    world.reps = [rep('rep-a'), rep('rep-b')];
    await withWorker(world, async () => {
      const h = await start(world);
      await h.signal(engagementSignal, world.addEvent('PRICING_PAGE_VIEW', await now()));
      await h.signal(engagementSignal, world.addEvent('COMPARISON_GUIDE_DOWNLOAD', await now()));
      await until(h, (x) => x.ownerId !== null, 'routed');
      const before = await env.currentTimeMs();
      const wall = Date.now();
      await env.sleep('14 days');
      // Skipped, not waited: a minute of wall time at most (a speed figure belongs in bench/, not here).
      expect(Date.now() - wall).toBeLessThan(60_000);
      expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(14 * DAY);
      // Time really passed for the workflow: its accept clock came due and breached.
      await until(h, (x) => x.clocks.some((c) => c.kind === 'ACCEPT' && c.status === 'BREACHED'), 'accept breach');
      await h.terminate();
    });
  });
});

describe('lead workflow: commands are validated', () => {
  it('refuses the wrong owner, unknown codes and missing notes, changing nothing', async () => {
    const world = new FakeLeadWorld();
    world.reps = [rep('rep-a')];
    await withWorker(world, async () => {
      const h = await start(world);
      await h.signal(engagementSignal, world.addEvent('DEMO_REQUEST', await now()));
      await until(h, (x) => x.ownerId === 'rep-a', 'routed');
      const before = world.transitions.length;
      expect((await refusal(h.executeUpdate(acceptLeadUpdate, { args: [{ actor: actor('rep-x') }] }))).type).toBe('NOT_OWNER');
      expect((await refusal(h.executeUpdate(rejectLeadUpdate, { args: [{ actor: actor('rep-a'), code: 'NOPE' }] }))).type).toBe('BAD_USER_INPUT');
      const noteRequired = world.definition.content.rejectionCodes.find((c) => c.noteRequired)!;
      expect((await refusal(h.executeUpdate(rejectLeadUpdate, { args: [{ actor: actor('rep-a'), code: noteRequired.code }] }))).type).toBe('BAD_USER_INPUT');
      expect((await refusal(h.executeUpdate(disqualifyLeadUpdate, { args: [{ actor: actor('rep-a'), reason: 'NO_BUDGET', note: 'no money' }] }))).type).toBe('INVALID_TRANSITION');
      expect(world.transitions.length).toBe(before);
      expect((await state(h)).stage).toBe('MQL');
      await h.terminate();
    });
  });
});

describe('lead workflow: the 14-day cadence, disqualify and recycle', () => {
  it('runs a whole lifecycle in seconds: 8 touches over 14 days, UNRESPONSIVE only after it, recycle and re-engagement', async () => {
    const world = new FakeLeadWorld();
    world.reps = [rep('rep-a')];
    const wall = Date.now();
    await withWorker(world, async () => {
      const h = await start(world);
      await h.signal(engagementSignal, world.addEvent('COMPARISON_GUIDE_DOWNLOAD', await now()));
      await until(h, (x) => x.ownerId === 'rep-a', 'routed');
      expect((await h.executeUpdate(acceptLeadUpdate, { args: [{ actor: actor('rep-a') }] })).stage).toBe('SAL');
      const accepted = await state(h);
      expect(accepted.cadence).toHaveLength(8);
      const dues = accepted.cadence.map((c) => new Date(c.dueAt));
      expect(dues.every((d, i) => i === 0 || d >= dues[i - 1])).toBe(true);
      // Every step falls on a business day of the rep's calendar (Mon–Fri in Berlin).
      for (const d of dues) expect([1, 2, 3, 4, 5]).toContain(weekdayOf(localDateOf(d, BERLIN)));
      expect(dues[7].getTime() - dues[0].getTime()).toBeGreaterThanOrEqual(13 * DAY);

      const touches: LogTouchCommand[] = [];
      for (let i = 0; i < 8; i++) {
        touches.push({ actor: actor('rep-a'), touchId: `touch-${i}`, channel: accepted.cadence[i].channel, outcome: 'NO_ANSWER', occurredAt: (await now()).toISOString() });
        await h.executeUpdate(logTouchUpdate, { args: [touches[i]] });
        if (i === 3) {
          const early = await refusal(h.executeUpdate(disqualifyLeadUpdate, { args: [{ actor: actor('rep-a'), reason: 'UNRESPONSIVE', note: 'no reply' }] }));
          expect(early.type).toBe('CADENCE_INCOMPLETE');
        }
        if (i < 7) await env.sleep('1 day');
      }
      // 8 touches but 14 x 24 h have not yet passed since the first: still refused.
      expect((await refusal(h.executeUpdate(disqualifyLeadUpdate, { args: [{ actor: actor('rep-a'), reason: 'UNRESPONSIVE', note: 'no reply' }] }))).type).toBe('CADENCE_INCOMPLETE');
      // A retried touch (same id and content) is not counted twice; the same id for another touch is a conflict.
      await h.executeUpdate(logTouchUpdate, { args: [touches[7]] });
      expect(world.touches.size).toBe(8);
      const reused = await refusal(h.executeUpdate(logTouchUpdate, { args: [{ ...touches[7], outcome: 'CONNECTED', occurredAt: (await now()).toISOString() }] }));
      expect(reused.type).toBe('CONFLICT');
      expect(world.touches.size).toBe(8);
      await env.sleep('7 days');
      await env.sleep('1 hour');
      const dq = await h.executeUpdate(disqualifyLeadUpdate, { args: [{ actor: actor('rep-a'), reason: 'UNRESPONSIVE', note: 'eight touches, no reply' }] });
      expect(dq.stage).toBe('RECYCLED');
      const reengageAfter = new Date(dq.reengageAfter!);
      expect(reengageAfter.getTime() - (await env.currentTimeMs())).toBeGreaterThan(89 * DAY);

      // The recycled lead continues as new in nurture; old intent and intent before the date do not count.
      await env.sleep(1000); // the hand-over timer
      await until(h, (x) => x.cycle === 1 && x.stage === 'RECYCLED', 'continued as new in nurture');
      await h.signal(engagementSignal, world.addEvent('DEMO_REQUEST', await now()));
      await until(h, (x) => x.stage === 'ENGAGED', 'engaged again');
      expect((await state(h)).ownerId).toBeNull();
      await env.sleep(reengageAfter.getTime() - (await env.currentTimeMs()) + DAY);
      await h.signal(engagementSignal, world.addEvent('DEMO_REQUEST', await now()));
      const back = await until(h, (x) => x.ownerId === 'rep-a' && x.cycle === 1, 'MQL again with fresh intent');
      expect(back.recycleCount).toBe(1);
      expect(world.stages().filter((x) => x === 'MQL')).toHaveLength(2);
      await h.terminate();
    });
    expect(Date.now() - wall).toBeLessThan(30_000);
  });
});

describe('lead workflow: steps are done in their windows, the cadence takes days', () => {
  const unresponsive = { actor: actor('rep-a'), reason: 'UNRESPONSIVE', note: 'no reply' };
  /** Each step as the rep sees it at `at`: FILLED, OPEN, MISSED or UPCOMING. */
  const statuses = (s: LeadWorkflowState, at: Date) =>
    s.cadence.map((c) => stepStatus({ channel: c.channel, opensAt: new Date(c.opensAt!), closesAt: new Date(c.closesAt!), filled: !!c.touchId }, at));

  /** rep-a's world, the clock moved to the next Monday at 09:30 Berlin (no holidays). */
  async function untilMonday() {
    const world = new FakeLeadWorld();
    world.reps = [rep('rep-a')];
    const monday = nextWeekdayAt(await now(), 1, 9 * 60 + 30);
    await env.sleep(monday.getTime() - (await env.currentTimeMs()));
    return { world, monday };
  }

  /** A lead routed to rep-a and accepted (on that Monday). */
  async function acceptedOnMonday(world: FakeLeadWorld) {
    const h = await routedLead(world);
    await h.executeUpdate(acceptLeadUpdate, { args: [{ actor: actor('rep-a') }] });
    return { h, accepted: await state(h) };
  }

  it('8 touches logged on day 1 fill day 1 only: on business day 15 UNRESPONSIVE is refused and 6 steps are missed', async () => {
    const { world, monday } = await untilMonday();
    await withWorker(world, async () => {
      const { h, accepted } = await acceptedOnMonday(world);
      for (const [i, c] of accepted.cadence.entries()) {
        await h.executeUpdate(logTouchUpdate, { args: [{ actor: actor('rep-a'), touchId: `sitting-${i}`, channel: c.channel, outcome: 'NO_ANSWER', occurredAt: (await now()).toISOString() }] });
      }
      const logged = await state(h);
      expect(logged.touches).toHaveLength(8);
      expect(logged.cadence.map((c) => c.touchId ?? null)).toEqual(['sitting-0', 'sitting-1', null, null, null, null, null, null]);

      // Business day 15 (the Friday of the third week), after day 14's step closed: 14 x 24 h have long passed.
      const day15 = addBusinessDays(rep('rep-a').calendar, localDateOf(monday, BERLIN), 14);
      await env.sleep(zonedTimeToInstant(day15, 17 * 60 + 30, BERLIN).getTime() - (await env.currentTimeMs()));
      const refused = await refusal(h.executeUpdate(disqualifyLeadUpdate, { args: [unresponsive] }));
      expect(refused.type).toBe('CADENCE_INCOMPLETE');
      expect(refused.message).toContain('8 logged on 1 date; missing touches on 4 more dates');
      const later = await state(h);
      expect(later.stage).toBe('SAL');
      expect(statuses(later, await now())).toEqual(['FILLED', 'FILLED', 'MISSED', 'MISSED', 'MISSED', 'MISSED', 'MISSED', 'MISSED']);
      await h.terminate();
    });
  });

  it('a rep who follows the plan fills every step in its window and may disqualify as UNRESPONSIVE on the plan\'s last day', async () => {
    const { world, monday } = await untilMonday();
    await withWorker(world, async () => {
      const { h, accepted } = await acceptedOnMonday(world);
      for (const [i, c] of accepted.cadence.entries()) {
        // Each step an hour into its business day (day 1's right away).
        const at = Math.max(await env.currentTimeMs(), new Date(c.opensAt!).getTime() + HOUR);
        await env.sleep(at - (await env.currentTimeMs()));
        if (i === 7) expect((await refusal(h.executeUpdate(disqualifyLeadUpdate, { args: [unresponsive] }))).message).toContain('missing 1 more touch');
        await h.executeUpdate(logTouchUpdate, { args: [{ actor: actor('rep-a'), touchId: `plan-${i}`, channel: c.channel, outcome: 'NO_ANSWER', occurredAt: (await now()).toISOString() }] });
      }
      const done = await state(h);
      expect(done.cadence.map((c) => c.touchId)).toEqual(accepted.cadence.map((_, i) => `plan-${i}`));
      expect(statuses(done, await now())).toEqual(Array(8).fill('FILLED'));
      // The plan's last day: business day 14 in the rep's calendar.
      expect(localDateOf(await now(), BERLIN)).toBe(addBusinessDays(rep('rep-a').calendar, localDateOf(monday, BERLIN), 13));
      const dq = await h.executeUpdate(disqualifyLeadUpdate, { args: [unresponsive] });
      expect(dq.stage).toBe('RECYCLED');
      await h.terminate();
    });
  });
});

const DEFAULT_CAP_EMAIL_OPEN = 3;
