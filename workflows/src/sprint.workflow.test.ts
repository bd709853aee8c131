import { WorkflowHandle, WorkflowUpdateFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { Actor } from '../../libs/contracts/src/roles';
import {
  closePhaseUpdate,
  completeMilestoneUpdate,
  linkStageDefinitionUpdate,
  recordReviewUpdate,
  routingDryRunUpdate,
  signOffUpdate,
  SprintActivities,
  SprintView,
  sprintViewQuery,
  stageDefinitionActivatedSignal,
} from '../../libs/contracts/src/sprint-workflow';
import type { Leak } from '../../libs/domain/src/kpi/leaks';
import { localDateOf } from '../../libs/domain/src/time-zone';
import { useTimeSkipping } from '../../test/support/workflow/time-skipping';
import { sprintWorkflow } from './sprint.workflow';

const ts = useTimeSkipping();
let env: TestWorkflowEnvironment;
beforeEach(() => {
  env = ts.env();
});

const PEOPLE = {
  sponsorId: '00000000-0000-4000-8000-00000000000a',
  salesLeaderId: '00000000-0000-4000-8000-00000000000b',
  marketingLeaderId: '00000000-0000-4000-8000-00000000000c',
  revopsOwnerId: '00000000-0000-4000-8000-00000000000d',
};
const STRANGER = '00000000-0000-4000-8000-00000000000e';
const DEFINITION = '00000000-0000-4000-8000-0000000000df';
const as = (id: string, role = 'REVOPS'): Actor => ({ id, role: role as Actor['role'] });
const DAY = 86_400_000;

const LEAK: Leak = {
  id: 'KPI:ACCEPTANCE_RATE', kind: 'KPI_BELOW_TARGET', kpi: 'ACCEPTANCE_RATE', severity: 'RED', value: 0.6, target: 0.9, gapRatio: 1 / 3, affectedVolume: 100,
  suggestedAction: 'Review the top rejection codes with marketing', ownerRole: 'MARKETING', slaDays: 7, dueLocalDate: null, expectedImpact: 5000, priority: 'P1',
};

/** A promise the test resolves when it chooses. */
function gate() {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

/**
 * Holds an activity open: `held` resolves once two calls are waiting (a concurrent duplicate
 * got through), and `release()` lets them all finish.
 */
class Hold {
  calls = 0;
  private readonly released = gate();
  readonly secondCall = gate();
  async enter(): Promise<void> {
    if (++this.calls >= 2) this.secondCall.open();
    await this.released.promise;
  }
  release(): void {
    this.released.open();
  }
}

/** Activities with a seeded baseline (velocity 1000/day) and outcome (1200/day: +20 %). */
class FakeSprintActivities {
  notifications: { recipientId: string; kind: string; payload: Record<string, unknown> }[] = [];
  snapshots: { trigger: string; from: string; to: string }[] = [];
  reviewsRecorded: string[] = [];
  definitionStatus = 'PROPOSED';
  governance = 0;
  blueprint: unknown[] = [];
  /** When set, review snapshots and the targets check wait for it. */
  hold?: Hold;
  activities(): SprintActivities {
    return {
      takeSprintSnapshot: async ({ trigger, from, to }) => {
        if (trigger === 'REVIEW') await this.hold?.enter();
        this.snapshots.push({ trigger, from, to });
        const velocity = trigger === 'SPRINT_OUTCOME' ? 1200 : 1000;
        return { snapshotId: `snap-${this.snapshots.length}`, measures: [{ kpi: 'PIPELINE_VELOCITY', value: velocity }, { kpi: 'MQL_TO_SQL', value: trigger === 'SPRINT_OUTCOME' ? 0.3 : 0.2 }] };
      },
      stageDefinitionStatus: async () => ({ status: this.definitionStatus, version: 2, activatedAt: this.definitionStatus === 'ACTIVE' ? new Date(Date.now()).toISOString() : null }),
      routingDryRun: async () => [{ leadId: 'l1', repId: 'r1', queue: null, ruleId: 'rule' }, { leadId: 'l2', repId: 'r2', queue: null, ruleId: 'rule' }],
      targetsStatus: async ({ months }) => {
        await this.hold?.enter();
        return { kpiTargets: ['ACCEPTANCE_RATE'], missingRevenueMonths: months.slice(2) };
      },
      sprintLeaks: async () => [LEAK],
      projectSprint: async () => undefined,
      recordSprintReview: async ({ review }) => void this.reviewsRecorded.push(review.id),
      recordBlueprint: async ({ actions }) => void this.blueprint.push(...actions),
      notifySprint: async ({ recipientId, kind, payload }) => void this.notifications.push({ recipientId, kind, payload }),
      ensureGovernanceSchedules: async () => {
        this.governance++;
        return ['weekly', 'monthly', 'quarterly'];
      },
    };
  }
}

async function refusal(p: Promise<unknown>): Promise<{ type?: string; rule?: string } | undefined> {
  try {
    await p;
  } catch (e) {
    if (e instanceof WorkflowUpdateFailedError) {
      const cause = e.cause as { type?: string; details?: { rule: string }[] };
      return { type: cause.type, rule: cause.details?.[0]?.rule };
    }
    throw e;
  }
  return undefined;
}

let seq = 0;

describe('sprint workflow', () => {
  it('runs a whole 6-week sprint: gates, a late milestone escalated to the sponsor, check-ins, and the outcome against the baseline', async () => {
    const fake = new FakeSprintActivities();
    const taskQueue = `sprint-${++seq}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: ts.bundle(), activities: fake.activities() });
    await worker.runUntil(async () => {
      const startMs = await env.currentTimeMs();
      const startDate = localDateOf(new Date(startMs), 'UTC');
      const h: WorkflowHandle<typeof sprintWorkflow> = await env.client.workflow.start(sprintWorkflow, {
        taskQueue,
        workflowId: `sprint:test-${seq}-${startMs}`,
        args: [{ sprintId: `s-${seq}`, name: 'Q1 alignment', startDate, timeZone: 'UTC', people: PEOPLE, target: { kpi: 'PIPELINE_VELOCITY', changePct: 15 } }],
      });
      // Day 1, 00:00 UTC was the start; the time-skipping clock is now somewhere in day 1.
      const dayStart = Date.parse(`${startDate}T00:00:00Z`);
      const at = async (day: number, hour: number) => {
        const target = dayStart + (day - 1) * DAY + hour * 3_600_000;
        const now = await env.currentTimeMs();
        if (target > now) await env.sleep(target - now);
      };
      const view = () => h.query(sprintViewQuery);
      const ms = (v: SprintView, code: string) => v.milestones.find((m) => m.code === code)!;

      // M1: the baseline is taken automatically over the 90 days before day 1.
      // (a loaded machine may need more than one skipped second for the first activities)
      for (let i = 0; i < 60 && !(await view()).baseline; i++) await env.sleep(1000);
      expect(fake.snapshots[0]).toEqual(expect.objectContaining({ trigger: 'SPRINT_BASELINE' }));
      expect((await view()).baseline?.measures).toEqual(expect.arrayContaining([{ kpi: 'PIPELINE_VELOCITY', value: 1000 }]));

      // Only the named RevOps owner may confirm it; nothing changes on a refusal.
      expect(await refusal(h.executeUpdate(signOffUpdate, { args: [{ actor: as(STRANGER), code: 'M1', role: 'REVOPS_OWNER' }] }))).toEqual({ type: 'FORBIDDEN', rule: 'NAMED_PERSON' });
      expect(await refusal(h.executeUpdate(signOffUpdate, { args: [{ actor: as(PEOPLE.salesLeaderId, 'SALES_MANAGER'), code: 'M1', role: 'SALES_LEADER' }] }))).toEqual({ type: 'FORBIDDEN', rule: 'REQUIRED_SIGN_OFF' });
      expect(ms(await view(), 'M1').signOffs).toEqual([]);
      let v = await h.executeUpdate(signOffUpdate, { args: [{ actor: as(PEOPLE.revopsOwnerId), code: 'M1', role: 'REVOPS_OWNER', note: 'numbers match the CRM' }] });
      expect(ms(v, 'M1')).toEqual(expect.objectContaining({ status: 'COMPLETED', late: false }));

      // A later phase cannot close before the earlier one.
      expect(await refusal(h.executeUpdate(closePhaseUpdate, { args: [{ actor: as(PEOPLE.revopsOwnerId), phase: 'SYSTEMS' }] }))).toEqual({ type: 'INVALID_TRANSITION', rule: 'EARLIER_PHASE_OPEN' });
      // Nor before its own milestones are done.
      expect(await refusal(h.executeUpdate(closePhaseUpdate, { args: [{ actor: as(PEOPLE.revopsOwnerId), phase: 'FOUNDATION' }] }))).toEqual({ type: 'INVALID_TRANSITION', rule: 'MILESTONES_OPEN' });

      // M2/M3: a proposed version is linked; leaders sign; the executives' approval (a signal) completes both.
      await at(3, 10);
      v = await h.executeUpdate(linkStageDefinitionUpdate, { args: [{ actor: as(PEOPLE.revopsOwnerId), definitionId: DEFINITION }] });
      expect(ms(v, 'M2')).toEqual(expect.objectContaining({ linkedDefinitionId: DEFINITION, definitionStatus: 'PROPOSED', status: 'OPEN' }));
      for (const code of ['M2', 'M3'] as const) {
        await h.executeUpdate(signOffUpdate, { args: [{ actor: as(PEOPLE.salesLeaderId, 'SALES_MANAGER'), code, role: 'SALES_LEADER' }] });
        v = await h.executeUpdate(signOffUpdate, { args: [{ actor: as(PEOPLE.marketingLeaderId, 'MARKETING'), code, role: 'MARKETING_LEADER' }] });
      }
      expect(ms(v, 'M2').status).toBe('OPEN');
      expect(await refusal(h.executeUpdate(signOffUpdate, { args: [{ actor: as(PEOPLE.salesLeaderId, 'SALES_MANAGER'), code: 'M2', role: 'SALES_LEADER' }] }))).toEqual({ type: 'CONFLICT', rule: 'ALREADY_SIGNED' });
      fake.definitionStatus = 'ACTIVE';
      await h.signal(stageDefinitionActivatedSignal, { definitionId: DEFINITION });
      await env.sleep(1000);
      v = await view();
      expect([ms(v, 'M2').status, ms(v, 'M3').status]).toEqual(['COMPLETED', 'COMPLETED']);
      await h.executeUpdate(closePhaseUpdate, { args: [{ actor: as(PEOPLE.revopsOwnerId), phase: 'FOUNDATION' }] });

      // M4 (due end of day 19) is missed: a reminder to its owner the day before, then escalation to the sponsor.
      await at(20, 9);
      v = await view();
      expect(ms(v, 'M4')).toEqual(expect.objectContaining({ reminded: true, escalated: true, late: true, status: 'OPEN' }));
      expect(fake.notifications).toEqual(expect.arrayContaining([
        expect.objectContaining({ recipientId: PEOPLE.revopsOwnerId, kind: 'SPRINT_MILESTONE_DUE', payload: expect.objectContaining({ milestone: 'M4' }) }),
        expect.objectContaining({ recipientId: PEOPLE.sponsorId, kind: 'SPRINT_MILESTONE_OVERDUE', payload: expect.objectContaining({ milestone: 'M4' }) }),
      ]));
      expect(v.timeline.map((t) => t.kind)).toContain('MILESTONE_ESCALATED');
      v = await h.executeUpdate(routingDryRunUpdate, { args: [{ actor: as(PEOPLE.revopsOwnerId) }] });
      expect(ms(v, 'M4')).toEqual(expect.objectContaining({ status: 'COMPLETED', late: true }));

      // M5 completes by command once targets are in; M6 on the leaders' training sign-offs.
      v = await h.executeUpdate(completeMilestoneUpdate, { args: [{ actor: as(PEOPLE.revopsOwnerId), code: 'M5' }] });
      expect(ms(v, 'M5').status).toBe('COMPLETED');
      expect(await refusal(h.executeUpdate(completeMilestoneUpdate, { args: [{ actor: as(PEOPLE.revopsOwnerId), code: 'M6' }] }))).toEqual(expect.objectContaining({ type: expect.any(String) }));
      await h.executeUpdate(signOffUpdate, { args: [{ actor: as(PEOPLE.salesLeaderId, 'SALES_MANAGER'), code: 'M6', role: 'SALES_LEADER' }] });
      v = await h.executeUpdate(signOffUpdate, { args: [{ actor: as(PEOPLE.marketingLeaderId, 'MARKETING'), code: 'M6', role: 'MARKETING_LEADER' }] });
      expect(ms(v, 'M6').status).toBe('COMPLETED');
      await h.executeUpdate(closePhaseUpdate, { args: [{ actor: as(PEOPLE.sponsorId, 'EXECUTIVE'), phase: 'SYSTEMS' }] });

      // Weeks 5 and 6: two check-ins each, by any of the named people.
      const review = (n: number, who: string) =>
        h.executeUpdate(recordReviewUpdate, { args: [{ actor: as(who), reviewId: `00000000-0000-4000-8000-0000000001${String(n).padStart(2, '0')}`, decisions: [`decision ${n}`], actionItems: [{ title: `action ${n}`, ownerId: who, dueDate: null }] }] });
      await at(30, 10);
      await review(1, PEOPLE.revopsOwnerId);
      await at(33, 10);
      await review(2, PEOPLE.salesLeaderId);
      await review(2, PEOPLE.salesLeaderId); // a retried request records it once
      await at(37, 10);
      await review(3, PEOPLE.marketingLeaderId);
      expect(await refusal(h.executeUpdate(closePhaseUpdate, { args: [{ actor: as(PEOPLE.revopsOwnerId), phase: 'MONITOR' }] }))).toEqual(expect.objectContaining({ type: 'INVALID_TRANSITION' }));
      await at(40, 10);
      v = await review(4, PEOPLE.sponsorId);
      expect(v.reviews.filter((r) => r.kind === 'CHECK_IN')).toHaveLength(4);
      expect(await refusal(h.executeUpdate(signOffUpdate, { args: [{ actor: as(PEOPLE.sponsorId, 'EXECUTIVE'), code: 'M7', role: 'SPONSOR' }] }))).toEqual({ type: 'INVALID_TRANSITION', rule: 'OUTCOME_NOT_READY' });

      // Day 42: the outcome against the seeded baseline, and the blueprint.
      await at(42, 1);
      v = await view();
      expect(v.outcome).toEqual(expect.objectContaining({ targetKpi: 'PIPELINE_VELOCITY', targetChangePct: 15, targetMet: true }));
      expect(v.outcome!.achievedChangePct).toBeCloseTo(20, 9);
      expect(v.outcome!.kpis).toEqual(expect.arrayContaining([expect.objectContaining({ kpi: 'MQL_TO_SQL', baseline: 0.2, current: 0.3, improved: true })]));
      expect(v.blueprint).toEqual([expect.objectContaining({ leakId: 'KPI:ACCEPTANCE_RATE', ownerId: PEOPLE.marketingLeaderId, rank: 1, priority: 'P1' })]);
      expect(fake.blueprint).toHaveLength(1);
      v = await h.executeUpdate(signOffUpdate, { args: [{ actor: as(PEOPLE.sponsorId, 'EXECUTIVE'), code: 'M7', role: 'SPONSOR' }] });
      expect(ms(v, 'M7').status).toBe('COMPLETED');
      await h.executeUpdate(closePhaseUpdate, { args: [{ actor: as(PEOPLE.revopsOwnerId), phase: 'MONITOR' }] });

      const final = await h.result();
      expect(final.status).toBe('FINISHED');
      expect(final.milestones.every((m) => m.status === 'COMPLETED')).toBe(true);
      expect(final.milestones.filter((m) => m.late).map((m) => m.code)).toEqual(['M4']);
      expect(fake.governance).toBe(1);
      // A finished sprint takes no more reviews.
      await expect(h.executeUpdate(recordReviewUpdate, { args: [{ actor: as(PEOPLE.revopsOwnerId), reviewId: '00000000-0000-4000-8000-000000000199', decisions: ['late'], actionItems: [] }] })).rejects.toThrow();
    });
  }, 120_000);

  describe('concurrent duplicates of a command that awaits an activity', () => {
    /** Send the same update twice at once while its activity is held; release once the race is decided. */
    async function twiceAtOnce(fake: FakeSprintActivities, send: () => Promise<SprintView>) {
      const hold = (fake.hold = new Hold());
      const updates = [send(), send()];
      // After the fix the duplicate is refused while the first is held; before it, both reach the activity.
      await Promise.race([Promise.race(updates).catch(() => undefined), hold.secondCall.promise]);
      hold.release();
      const results = await Promise.allSettled(updates);
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      return { fulfilled: results.filter((r) => r.status === 'fulfilled').length, refusals: await Promise.all(refused.map((r) => refusal(Promise.reject(r.reason)))), calls: hold.calls };
    }

    async function withSprint(fake: FakeSprintActivities, fn: (h: WorkflowHandle<typeof sprintWorkflow>) => Promise<void>) {
      const taskQueue = `sprint-${++seq}`;
      const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: ts.bundle(), activities: fake.activities() });
      await worker.runUntil(async () => {
        const startMs = await env.currentTimeMs();
        const h = await env.client.workflow.start(sprintWorkflow, {
          taskQueue,
          workflowId: `sprint:test-${seq}-${startMs}`,
          args: [{ sprintId: `s-${seq}`, name: 'Concurrency', startDate: localDateOf(new Date(startMs), 'UTC'), timeZone: 'UTC', people: PEOPLE, target: { kpi: 'PIPELINE_VELOCITY', changePct: 15 } }],
        });
        await fn(h);
        await h.terminate('test done');
      });
    }

    it('two identical completions of M5: one completes it, the other is refused and changes nothing', async () => {
      const fake = new FakeSprintActivities();
      await withSprint(fake, async (h) => {
        const r = await twiceAtOnce(fake, () => h.executeUpdate(completeMilestoneUpdate, { args: [{ actor: as(PEOPLE.revopsOwnerId), code: 'M5' }] }));
        expect(r.fulfilled).toBe(1);
        expect(r.refusals).toEqual([{ type: 'CONFLICT', rule: 'IN_PROGRESS' }]);
        expect(r.calls).toBe(1);
        const v = await h.query(sprintViewQuery);
        expect(v.milestones.find((m) => m.code === 'M5')!.status).toBe('COMPLETED');
        expect(v.timeline.filter((t) => t.kind === 'MILESTONE_COMPLETED' && t.milestone === 'M5')).toHaveLength(1);
        expect(fake.notifications.filter((n) => n.kind === 'SPRINT_MILESTONE_COMPLETED')).toHaveLength(1);
      });
    });

    it('the same check-in sent twice at once is recorded once', async () => {
      const fake = new FakeSprintActivities();
      await withSprint(fake, async (h) => {
        const reviewId = '00000000-0000-4000-8000-000000000301';
        const r = await twiceAtOnce(fake, () => h.executeUpdate(recordReviewUpdate, { args: [{ actor: as(PEOPLE.salesLeaderId), reviewId, decisions: ['keep going'], actionItems: [] }] }));
        expect(r.fulfilled).toBe(1);
        expect(r.refusals).toEqual([{ type: 'CONFLICT', rule: 'IN_PROGRESS' }]);
        const v = await h.query(sprintViewQuery);
        expect(v.reviews.filter((x) => x.id === reviewId)).toHaveLength(1);
        expect(fake.reviewsRecorded).toEqual([reviewId]);
        // Retried after the first finished: answered from the record, not recorded again.
        await h.executeUpdate(recordReviewUpdate, { args: [{ actor: as(PEOPLE.salesLeaderId), reviewId, decisions: ['keep going'], actionItems: [] }] });
        expect(fake.reviewsRecorded).toEqual([reviewId]);
      });
    });
  });
});
