import { ActivityFailure, allHandlersFinished, ApplicationFailure, condition, log as wfLog, proxyActivities, setHandler } from '@temporalio/workflow';
import { ErrorCode, NON_RETRYABLE_ACTIVITY_ERRORS } from '../../libs/contracts/src/errors';
import type { Actor } from '../../libs/contracts/src/roles';
import {
  closePhaseUpdate,
  completeMilestoneUpdate,
  linkStageDefinitionUpdate,
  recordReviewUpdate,
  routingDryRunUpdate,
  signOffUpdate,
  SprintActivities,
  SprintInput,
  SprintMilestoneView,
  sprintStateOf,
  SprintView,
  sprintViewQuery,
  stageDefinitionActivatedSignal,
} from '../../libs/contracts/src/sprint-workflow';
import { FieldViolation, isUuid } from '../../libs/domain/src/field-violation';
import type { KpiKey } from '../../libs/domain/src/kpi/catalog';
import { blueprintActions, KpiMeasureLike, sprintOutcome } from '../../libs/domain/src/sprint/outcome';
import {
  checkClosePhase,
  checkCompleteMilestone,
  checkRecordReview,
  checkSignOff,
  SPRINT_PLAN,
  SPRINT_ROLE_PERSON,
  SPRINT_ROLES,
  SprintRole,
  MilestoneCode,
  SPRINT_PHASES,
  sprintSchedule,
} from '../../libs/domain/src/sprint/plan';
import { addLocalDays, localDateOf } from '../../libs/domain/src/time-zone';

// Bounded: an activity that cannot succeed within its schedule-to-close timeout fails (the command
// that needed it is refused) instead of retrying forever; deterministic failures are not retried.
const acts = proxyActivities<SprintActivities>({
  startToCloseTimeout: '2 minutes',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: NON_RETRYABLE_ACTIVITY_ERRORS },
});

/** Notifications and read-model projections are best effort: one that fails for good must not end the sprint. */
async function bestEffort(what: string, p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof ActivityFailure)) throw e;
    wfLog.warn(`sprint ${what} failed`, { error: e.message });
  }
}

/** Linked stage definitions are also re-checked on this cadence, in case the activation signal was missed. */
const DEFINITION_RECHECK_MS = 6 * 3_600_000;
const BASELINE_DAYS = 90;
const DRY_RUN_SAMPLE = 20;

function refuse(code: ErrorCode, violation: FieldViolation): never {
  throw ApplicationFailure.create({ type: code, message: violation.message, nonRetryable: true, details: [violation] });
}

/** The error code a gate rule maps to: acting for someone else is FORBIDDEN, bad input is BAD_USER_INPUT, the rest is out of order. */
function codeOf(v: FieldViolation): ErrorCode {
  if (['NAMED_PERSON', 'OWNER_ONLY', 'NOT_ALLOWED', 'REQUIRED_SIGN_OFF', 'SPRINT_MEMBER'].includes(v.rule)) return ErrorCode.FORBIDDEN;
  if (['ALREADY_SIGNED', 'ALREADY_COMPLETED', 'ALREADY_CLOSED'].includes(v.rule)) return ErrorCode.CONFLICT;
  if (['SPRINT_FINISHED', 'EARLIER_PHASE_OPEN', 'MILESTONES_OPEN', 'CHECK_INS_MISSING', 'OUTCOME_NOT_READY', 'AUTOMATIC', 'PHASE_CLOSED', 'SIGN_OFFS_MISSING'].includes(v.rule)) return ErrorCode.INVALID_TRANSITION;
  return ErrorCode.BAD_USER_INPUT;
}
const check = (v: FieldViolation | null | undefined) => {
  if (v) refuse(codeOf(v), v);
};
/** The owner working on an open milestone (linking a definition, a dry-run): its sign-offs may still be pending. */
const checkOwnerWork = (v: FieldViolation | null) => check(v?.rule === 'SIGN_OFFS_MISSING' ? null : v);

/**
 * The 6-week alignment sprint (`sprint:<id>`, domain brief §7): three phases, milestones
 * M1–M7 with due dates, owners and sign-offs, reminders the day before and escalation to the
 * sponsor when a milestone is missed, check-ins in weeks 5–6, the outcome review against the
 * baseline and the Revenue Growth Blueprint; then governance continues on schedules.
 * Commands are updates whose validators apply the gate rules of libs/domain/src/sprint.
 */
export async function sprintWorkflow(input: SprintInput): Promise<SprintView> {
  const plan = sprintSchedule(input.startDate, input.timeZone);
  const now = () => new Date();
  const iso = () => now().toISOString();
  const ownerOf = (role: SprintRole) => input.people[SPRINT_ROLE_PERSON[role]];

  const v: SprintView = {
    sprintId: input.sprintId,
    name: input.name,
    startDate: input.startDate,
    timeZone: input.timeZone,
    people: input.people,
    target: input.target,
    status: 'RUNNING',
    revision: 0,
    milestones: SPRINT_PLAN.map((m) => {
      const when = plan.milestones[m.code];
      return {
        code: m.code, phase: m.phase, title: m.title, description: m.description, ownerRole: m.ownerRole, ownerId: ownerOf(m.ownerRole),
        dueAt: when.dueAt, remindAt: when.remindAt, requiredSignOffs: [...m.requiredSignOffs], status: 'OPEN', completedAt: null,
        late: false, reminded: false, escalated: false, signOffs: [], linkedDefinitionId: null, definitionStatus: null, evidence: null,
      };
    }),
    phases: SPRINT_PHASES.map((phase) => {
      const p = plan.phases[phase];
      return { phase, startsAt: p.startsAt, endsAt: p.endsAt, closedAt: null, closedBy: null };
    }),
    reviews: [],
    baseline: null,
    outcome: null,
    blueprint: [],
    timeline: [],
    endsAt: plan.endsAt,
    finishedAt: null,
  };
  const milestone = (code: MilestoneCode) => v.milestones.find((m) => m.code === code)!;

  const state = () => sprintStateOf(v);

  let wake = false;
  const log = (kind: string, message: string, actorId: string | null = null, code: MilestoneCode | null = null) => {
    v.timeline.push({ at: iso(), kind, message, actorId, milestone: code });
    v.revision++;
    wake = true;
  };
  // Activity arguments are serialised when scheduled, so the projection is the view as of now.
  const project = () => bestEffort('projection', acts.projectSprint({ view: v }));
  const notify = (key: string, recipientId: string, kind: string, payload: Record<string, unknown>) =>
    bestEffort('notification', acts.notifySprint({ dedupeKey: `sprint:${input.sprintId}/${key}/${recipientId}`, recipientId, kind, payload: { sprintId: input.sprintId, sprintName: input.name, ...payload } }));

  // Concurrency: handlers that await before they change state claim their work synchronously
  // (a key in `claimed`), so a concurrent duplicate fails its validator (CONFLICT IN_PROGRESS),
  // and re-check the gate after every await. The finish is claimed synchronously too.
  const claimed = new Set<string>();
  const refuseIfClaimed = (key: string, field: string) => {
    if (claimed.has(key)) refuse(ErrorCode.CONFLICT, { field, rule: 'IN_PROGRESS', message: 'the same command is already being processed' });
  };
  async function withClaim<T>(key: string, work: () => Promise<T>): Promise<T> {
    claimed.add(key);
    try {
      return await work();
    } finally {
      claimed.delete(key);
    }
  }
  const refuseIfFinished = () => {
    if (v.status !== 'RUNNING') refuse(ErrorCode.INVALID_TRANSITION, { field: 'sprintId', rule: 'SPRINT_FINISHED', message: `the sprint finished at ${v.finishedAt}` });
  };
  /** Claimed synchronously when the last phase closes: every later command is refused. */
  const finish = () => {
    if (v.status !== 'RUNNING') return;
    v.status = 'FINISHED';
    v.finishedAt = iso();
    log('SPRINT_FINISHED', 'All phases closed: weekly, monthly and quarterly governance reviews scheduled');
  };

  /** Completes a milestone once every required sign-off and its own precondition are in. */
  async function settle(m: SprintMilestoneView): Promise<void> {
    if (m.status === 'COMPLETED') return;
    const signed = m.requiredSignOffs.every((role) => m.signOffs.some((s) => s.role === role));
    const plan = SPRINT_PLAN.find((p) => p.code === m.code)!;
    const ready = {
      CONFIRMATION: v.baseline !== null,
      STAGE_DEFINITION_APPROVED: m.definitionStatus === 'ACTIVE',
      ROUTING_DRY_RUN: m.evidence?.allEligible === true,
      TARGETS_SET: m.evidence?.targetsSet === true,
      SIGN_OFFS: true,
      OUTCOME_REVIEW: v.outcome !== null,
    }[plan.completion];
    if (!signed || !ready) return;
    m.status = 'COMPLETED';
    m.completedAt = iso();
    m.late = now().getTime() > new Date(m.dueAt).getTime();
    log('MILESTONE_COMPLETED', `${m.code} ${m.title} completed${m.late ? ' (late)' : ''}`, null, m.code);
    await notify(`${m.code}/completed`, input.people.revopsOwnerId, 'SPRINT_MILESTONE_COMPLETED', { milestone: m.code, late: m.late });
  }

  async function refreshDefinition(): Promise<void> {
    const m2 = milestone('M2');
    if (!m2.linkedDefinitionId || m2.definitionStatus === 'ACTIVE') return;
    const linked = m2.linkedDefinitionId;
    const status = await acts.stageDefinitionStatus({ definitionId: linked });
    // Re-checked after the await: a command may have linked another version meanwhile.
    if (m2.linkedDefinitionId !== linked || m2.definitionStatus === 'ACTIVE') return;
    if (status && status.status !== m2.definitionStatus) {
      for (const code of ['M2', 'M3'] as const) milestone(code).definitionStatus = status.status;
      log('STAGE_DEFINITION_STATUS', `Linked stage definition v${status.version} is ${status.status}`);
      for (const code of ['M2', 'M3'] as const) await settle(milestone(code));
    }
  }

  const actorOf = (a: Actor) => a.id;

  // ---------------------------------------------------------------- handlers
  setHandler(sprintViewQuery, () => v);

  setHandler(stageDefinitionActivatedSignal, ({ definitionId }) => {
    if (milestone('M2').linkedDefinitionId === definitionId) definitionSignalled = true;
  });
  let definitionSignalled = false;

  setHandler(
    signOffUpdate,
    async ({ actor, code, role, note }) => {
      const m = milestone(code);
      m.signOffs.push({ role, userId: actorOf(actor), at: iso(), note: note ?? null });
      log('SIGNED_OFF', `${role} signed off ${code}`, actor.id, code);
      await settle(m);
      await project();
      return v;
    },
    {
      validator: ({ actor, code, role, note }) => {
        refuseIfFinished();
        if (!SPRINT_PLAN.some((p) => p.code === code)) refuse(ErrorCode.BAD_USER_INPUT, { field: 'milestone', rule: 'KNOWN_MILESTONE', message: `unknown milestone '${String(code)}'` });
        if (note !== undefined && (typeof note !== 'string' || note.length > 2000)) refuse(ErrorCode.BAD_USER_INPUT, { field: 'note', rule: 'LENGTH', message: 'note must be at most 2000 characters' });
        check(checkSignOff(state(), code, actor.id, role));
        if (code === 'M7' && v.outcome === null) refuse(ErrorCode.INVALID_TRANSITION, { field: 'milestone', rule: 'OUTCOME_NOT_READY', message: 'the outcome review is computed at the start of the last sprint day; sign it off then' });
      },
    },
  );

  setHandler(
    completeMilestoneUpdate,
    ({ actor, code }) => withClaim(`milestone:${code}`, async () => {
      const m = milestone(code);
      // M5: the targets RevOps has set must be in the database: explicit KPI targets and every month's revenue goal.
      const months = [...new Set([input.startDate, addLocalDays(input.startDate, 41)].map((d) => d.slice(0, 7)))];
      const status = await acts.targetsStatus({ months });
      refuseIfFinished();
      check(checkCompleteMilestone(state(), code, actor.id));
      const targetsSet = status.kpiTargets.length > 0 && status.missingRevenueMonths.length === 0;
      m.evidence = { ...status, targetsSet };
      if (!targetsSet) {
        const missing = status.kpiTargets.length === 0 ? 'no KPI target has been set' : `no revenue target for ${status.missingRevenueMonths.join(', ')}`;
        log('MILESTONE_CHECK_FAILED', `${code}: ${missing}`, actor.id, code);
        await project();
        refuse(ErrorCode.INVALID_TRANSITION, { field: 'milestone', rule: 'TARGETS_SET', message: `${code} cannot complete: ${missing}` });
      }
      await settle(m);
      await project();
      return v;
    }),
    {
      validator: ({ actor, code }) => {
        refuseIfFinished();
        refuseIfClaimed(`milestone:${code}`, 'milestone');
        if (!SPRINT_PLAN.some((p) => p.code === code)) refuse(ErrorCode.BAD_USER_INPUT, { field: 'milestone', rule: 'KNOWN_MILESTONE', message: `unknown milestone '${String(code)}'` });
        check(checkCompleteMilestone(state(), code, actor.id));
        const how = SPRINT_PLAN.find((p) => p.code === code)!.completion;
        if (how !== 'TARGETS_SET') {
          refuse(ErrorCode.INVALID_TRANSITION, { field: 'milestone', rule: 'AUTOMATIC', message: `${code} completes by itself (${how.toLowerCase().replace(/_/g, ' ')}), not by command` });
        }
      },
    },
  );

  setHandler(
    linkStageDefinitionUpdate,
    ({ actor, definitionId }) => withClaim('milestone:M2', async () => {
      const status = await acts.stageDefinitionStatus({ definitionId });
      refuseIfFinished();
      checkOwnerWork(checkCompleteMilestone(state(), 'M2', actor.id));
      if (!status) refuse(ErrorCode.NOT_FOUND, { field: 'definitionId', rule: 'EXISTS', message: `stage definition ${definitionId} not found` });
      if (!['PROPOSED', 'ACTIVE'].includes(status.status) || (status.status === 'ACTIVE' && new Date(status.activatedAt!).getTime() < new Date(plan.startsAt).getTime())) {
        refuse(ErrorCode.INVALID_TRANSITION, { field: 'definitionId', rule: 'PROPOSED_IN_SPRINT', message: `version ${status.version} is ${status.status}: link a version proposed for this sprint` });
      }
      for (const code of ['M2', 'M3'] as const) {
        milestone(code).linkedDefinitionId = definitionId;
        milestone(code).definitionStatus = status.status;
      }
      log('STAGE_DEFINITION_LINKED', `Stage definition v${status.version} (${status.status}) linked to M2 and M3`, actor.id, 'M2');
      for (const code of ['M2', 'M3'] as const) await settle(milestone(code));
      await project();
      return v;
    }),
    {
      validator: ({ actor, definitionId }) => {
        refuseIfFinished();
        refuseIfClaimed('milestone:M2', 'definitionId');
        if (typeof definitionId !== 'string' || !isUuid(definitionId)) refuse(ErrorCode.BAD_USER_INPUT, { field: 'definitionId', rule: 'UUID', message: 'must be a UUID' });
        checkOwnerWork(checkCompleteMilestone(state(), 'M2', actor.id));
      },
    },
  );

  setHandler(
    routingDryRunUpdate,
    ({ actor, leadIds }) => withClaim('milestone:M4', async () => {
      const samples = await acts.routingDryRun({ leadIds, sampleSize: DRY_RUN_SAMPLE, at: iso() });
      refuseIfFinished();
      checkOwnerWork(checkCompleteMilestone(state(), 'M4', actor.id));
      const allEligible = samples.length > 0 && samples.every((s) => s.repId !== null);
      const m4 = milestone('M4');
      m4.evidence = { samples, allEligible, ranAt: iso() };
      log('ROUTING_DRY_RUN', `Routing dry-run: ${samples.filter((s) => s.repId).length} of ${samples.length} sample leads reached an eligible rep`, actor.id, 'M4');
      await settle(m4);
      await project();
      return v;
    }),
    {
      validator: ({ actor, leadIds }) => {
        refuseIfFinished();
        refuseIfClaimed('milestone:M4', 'milestone');
        if (leadIds !== undefined && (!Array.isArray(leadIds) || leadIds.length > 200 || leadIds.some((id) => !isUuid(id)))) {
          refuse(ErrorCode.BAD_USER_INPUT, { field: 'leadIds', rule: 'UUIDS', message: 'at most 200 lead ids (UUIDs)' });
        }
        checkOwnerWork(checkCompleteMilestone(state(), 'M4', actor.id));
      },
    },
  );

  setHandler(
    recordReviewUpdate,
    ({ actor, reviewId, decisions, actionItems }) => withClaim(`review:${reviewId}`, async () => {
      if (v.reviews.some((r) => r.id === reviewId)) return v; // a retried request
      const today = localDateOf(now(), input.timeZone);
      const snap = await acts.takeSprintSnapshot({
        sprintId: input.sprintId, trigger: 'REVIEW', from: input.startDate, to: today < input.startDate ? input.startDate : today, asOf: iso(), dedupeKey: `sprint/${input.sprintId}/review/${reviewId}`,
      });
      refuseIfFinished();
      const review = { id: reviewId, kind: 'CHECK_IN' as const, at: iso(), recordedBy: actor.id, snapshotId: snap.snapshotId, decisions, actionItems };
      v.reviews.push(review);
      await acts.recordSprintReview({ sprintId: input.sprintId, review });
      log('CHECK_IN', `Check-in recorded: ${decisions.length} decision(s), ${actionItems.length} action item(s)`, actor.id);
      await project();
      return v;
    }),
    {
      validator: ({ actor, reviewId, decisions, actionItems }) => {
        refuseIfClaimed(`review:${reviewId}`, 'reviewId');
        if (typeof reviewId !== 'string' || !isUuid(reviewId)) refuse(ErrorCode.BAD_USER_INPUT, { field: 'reviewId', rule: 'UUID', message: 'must be a UUID' });
        if (!Array.isArray(decisions) || decisions.length === 0 || decisions.some((d) => typeof d !== 'string' || d.trim().length === 0 || d.length > 2000)) {
          refuse(ErrorCode.BAD_USER_INPUT, { field: 'decisions', rule: 'NON_EMPTY', message: 'a review records at least one decision (each 1-2000 characters)' });
        }
        if (!Array.isArray(actionItems) || actionItems.some((a) => typeof a?.title !== 'string' || a.title.trim().length === 0)) {
          refuse(ErrorCode.BAD_USER_INPUT, { field: 'actionItems', rule: 'TITLE_REQUIRED', message: 'every action item needs a title' });
        }
        if (v.reviews.some((r) => r.id === reviewId)) return;
        refuseIfFinished();
        check(checkRecordReview(state(), actor.id, iso()));
      },
    },
  );

  setHandler(
    closePhaseUpdate,
    async ({ actor, phase }) => {
      const p = v.phases.find((x) => x.phase === phase)!;
      p.closedAt = iso();
      p.closedBy = actor.id;
      log('PHASE_CLOSED', `${phase} closed`, actor.id);
      if (v.phases.every((x) => x.closedAt)) finish();
      await project();
      return v;
    },
    {
      validator: ({ actor, phase }) => {
        refuseIfFinished();
        if (!SPRINT_PHASES.includes(phase)) refuse(ErrorCode.BAD_USER_INPUT, { field: 'phase', rule: 'KNOWN_PHASE', message: `unknown phase '${String(phase)}'` });
        check(checkClosePhase(state(), phase, actor.id, plan));
      },
    },
  );

  // ---------------------------------------------------------------- the program
  log('SPRINT_STARTED', `Sprint "${input.name}" starts ${input.startDate} (${input.timeZone})`);
  await project();
  for (const role of SPRINT_ROLES) {
    await notify('started', ownerOf(role), 'SPRINT_STARTED', { role, startDate: input.startDate });
  }

  // M1: the baseline audit snapshot of the 90 days before the sprint, for RevOps to confirm.
  const baselineTo = addLocalDays(input.startDate, -1);
  const baseline = await acts.takeSprintSnapshot({
    sprintId: input.sprintId, trigger: 'SPRINT_BASELINE', from: addLocalDays(baselineTo, -(BASELINE_DAYS - 1)), to: baselineTo, asOf: iso(), dedupeKey: `sprint/${input.sprintId}/baseline`,
  });
  v.baseline = baseline;
  milestone('M1').evidence = { snapshotId: baseline.snapshotId, from: addLocalDays(baselineTo, -(BASELINE_DAYS - 1)), to: baselineTo };
  log('BASELINE_TAKEN', 'Baseline KPI snapshot of the last 90 days taken: RevOps to confirm', null, 'M1');
  await notify('M1/baseline', input.people.revopsOwnerId, 'SPRINT_BASELINE_READY', { snapshotId: baseline.snapshotId });
  await project();

  const outcomeAt = new Date(milestone('M7').remindAt).getTime();
  let nextDefinitionCheck = now().getTime() + DEFINITION_RECHECK_MS;

  while (!v.phases.every((p) => p.closedAt)) {
    const t = now().getTime();
    // Reminders the day before, escalation to the sponsor when missed.
    for (const m of v.milestones) {
      if (m.status === 'COMPLETED') continue;
      if (!m.reminded && t >= new Date(m.remindAt).getTime()) {
        m.reminded = true;
        log('MILESTONE_REMINDER', `${m.code} is due ${m.dueAt}`, null, m.code);
        await notify(`${m.code}/reminder`, m.ownerId, 'SPRINT_MILESTONE_DUE', { milestone: m.code, dueAt: m.dueAt });
      }
      if (!m.escalated && t >= new Date(m.dueAt).getTime()) {
        m.escalated = true;
        m.late = true;
        log('MILESTONE_ESCALATED', `${m.code} missed its due date: escalated to the sponsor`, null, m.code);
        await notify(`${m.code}/escalation`, input.people.sponsorId, 'SPRINT_MILESTONE_OVERDUE', { milestone: m.code, dueAt: m.dueAt, ownerId: m.ownerId });
        await notify(`${m.code}/overdue`, m.ownerId, 'SPRINT_MILESTONE_OVERDUE', { milestone: m.code, dueAt: m.dueAt });
      }
    }
    // The outcome review at the start of the last sprint day: KPIs of the last 90 days vs the baseline, and the blueprint.
    if (v.outcome === null && t >= outcomeAt) {
      const to = localDateOf(now(), input.timeZone);
      const from = addLocalDays(to, -(BASELINE_DAYS - 1));
      const current = await acts.takeSprintSnapshot({ sprintId: input.sprintId, trigger: 'SPRINT_OUTCOME', from, to, asOf: iso(), dedupeKey: `sprint/${input.sprintId}/outcome` });
      const result = sprintOutcome({ baseline: v.baseline!.measures as KpiMeasureLike[], current: current.measures as KpiMeasureLike[], target: input.target as { kpi: KpiKey; changePct: number } });
      v.outcome = { ...result, snapshotId: current.snapshotId };
      const leaks = await acts.sprintLeaks({ from, to, asOf: iso() });
      v.blueprint = blueprintActions(leaks, { people: input.people, startDate: to });
      await acts.recordBlueprint({ sprintId: input.sprintId, actions: v.blueprint });
      const review = { id: `outcome`, kind: 'OUTCOME' as const, at: iso(), recordedBy: 'system', snapshotId: current.snapshotId, decisions: [], actionItems: [] };
      v.reviews.push(review);
      await acts.recordSprintReview({ sprintId: input.sprintId, review });
      log('OUTCOME_REVIEW', `Outcome: ${input.target.kpi} ${result.achievedChangePct === null ? 'n/a' : `${result.achievedChangePct.toFixed(1)} %`} vs target ${input.target.changePct} %; ${v.blueprint.length} blueprint action(s)`, null, 'M7');
      await notify('M7/outcome', input.people.sponsorId, 'SPRINT_OUTCOME_READY', { targetMet: result.targetMet, achievedChangePct: result.achievedChangePct });
      await settle(milestone('M7'));
    }
    if (definitionSignalled || t >= nextDefinitionCheck) {
      definitionSignalled = false;
      nextDefinitionCheck = t + DEFINITION_RECHECK_MS;
      await refreshDefinition();
    }
    if (wake) {
      wake = false;
      await project();
    }
    // Sleep until the next reminder, escalation, outcome or definition check, or until a command changes something.
    const upcoming = [
      ...v.milestones.filter((m) => m.status === 'OPEN').flatMap((m) => [!m.reminded ? m.remindAt : null, !m.escalated ? m.dueAt : null]),
      v.outcome === null ? new Date(outcomeAt).toISOString() : null,
    ]
      .filter((x): x is string => x !== null)
      .map((x) => new Date(x).getTime());
    const linkedPending = Boolean(milestone('M2').linkedDefinitionId) && milestone('M2').definitionStatus !== 'ACTIVE';
    if (linkedPending) upcoming.push(nextDefinitionCheck);
    const next = upcoming.length ? Math.min(...upcoming) : null;
    const waitMs = next === null ? undefined : Math.max(next - now().getTime(), 1);
    if (waitMs === undefined) await condition(() => wake || definitionSignalled || v.phases.every((p) => p.closedAt));
    else await condition(() => wake || definitionSignalled || v.phases.every((p) => p.closedAt), waitMs);
  }

  // Finished (claimed when the last phase closed): governance goes on as schedules; blueprint actions are tracked in the database.
  finish();
  await acts.ensureGovernanceSchedules({ sprintId: input.sprintId, timeZone: input.timeZone });
  await project();
  await condition(allHandlersFinished);
  return v;
}
