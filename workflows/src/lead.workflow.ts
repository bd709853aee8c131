import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  cadenceProgress,
  canDisqualify,
  DisqualificationReason,
  DomainRuleError,
  EngagementType,
  evaluateHandoff,
  firstTouchSlaKind,
  planCadence,
  RecycleReason,
  recycleDecision,
  SlaKind,
  slaDueAt,
  StageDefinitionContent,
  TOUCH_CHANNELS,
  TOUCH_OUTCOMES,
  TouchChannel,
  touchLoggingClock,
} from '../../libs/domain/src';
import { ErrorCode } from '../../libs/contracts/src/errors';
import type { AssignedRep, LeadActivities, NotificationActivities, NotifyInput, RoutingActivities } from '../../libs/contracts/src/lead-activities';
import {
  acceptLeadUpdate,
  closeOpportunityUpdate,
  disqualifyLeadUpdate,
  engagementSignal,
  EngagementSignal,
  leadStateQuery,
  AdoptedLeadState,
  LeadWorkflowInput,
  LeadWorkflowState,
  logTouchUpdate,
  profileChangedSignal,
  qualifyLeadUpdate,
  reassignLeadUpdate,
  rejectLeadUpdate,
  SlaClockView,
  CadenceStepView,
} from '../../libs/contracts/src/lead-workflow';
import { Actor, SYSTEM_ACTOR } from '../../libs/contracts/src/roles';

const retry = { initialInterval: '200 milliseconds', maximumInterval: '1 minute' } as const;
// Database writes are short and idempotent: local activities run them in the worker without
// a server round trip each, which keeps event -> assignment well under a second.
const local = { startToCloseTimeout: '30 seconds', retry, localRetryThreshold: '10 seconds' } as const;
const store = proxyLocalActivities<LeadActivities>(local);
const routing = proxyLocalActivities<RoutingActivities>(local);
const outbox = proxyLocalActivities<NotificationActivities>(local);
// Webhook delivery retries with backoff for a day: a receiver that is down must not lose the message.
const delivery = proxyActivities<NotificationActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
  scheduleToCloseTimeout: '24 hours',
});

/** Stages in which the lead is owned by sales and being worked. */
const WORKING = ['SAL', 'SQL', 'OPPORTUNITY'];
const CONNECT_OUTCOMES = ['CONNECTED', 'REPLIED', 'MEETING_BOOKED'];
/** Clock skew tolerated on a touch's `occurredAt`. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

function refuse(code: ErrorCode, message: string, field?: string, rule?: string): never {
  throw ApplicationFailure.create({ type: code, message, nonRetryable: true, details: field ? [{ field, rule: rule ?? code, message }] : [] });
}

function parseIso(field: string, value: string): Date {
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(d.getTime())) refuse(ErrorCode.BAD_USER_INPUT, `${field} must be an ISO-8601 instant`, field, 'isoInstant');
  return d;
}

type Outcome = { kind: 'END' } | { kind: 'RECYCLE'; reengageAfter: string | null };

/**
 * One lead's lifecycle, from first touch to outcome: nurture until the active stage
 * definition says MQL, hand off and route, run the SLA clocks in the owner's business
 * hours, follow the cadence, then qualify, disqualify, reject or recycle (continue-as-new).
 * Commands arrive as updates whose validators refuse, with a typed error and no change,
 * anything the contract does not allow. Every write goes through an activity keyed by
 * `<workflowId>/c<cycle>/<step>` so a retry never writes twice.
 */
export async function leadWorkflow(input: LeadWorkflowInput): Promise<void> {
  const { workflowId } = workflowInfo();
  const carried = input.carried;
  const cycle = carried?.cycle ?? 0;
  const leadId = input.leadId;
  const key = (step: string) => `${workflowId}/c${cycle}/${step}`;
  const now = () => new Date();
  const nowIso = () => new Date().toISOString();

  const s: LeadWorkflowState = {
    leadId,
    cycle,
    stage: carried?.stage ?? 'FIRST_TOUCH',
    ownerId: null,
    queue: null,
    definitionVersion: null,
    hot: false,
    demoRequest: false,
    recycleCount: carried?.recycleCount ?? 0,
    reengageAfter: carried?.reengageAfter ?? null,
    clocks: [],
    cadence: [],
    touches: [],
    cadenceExit: null,
    opportunityId: null,
  };
  let definition: { version: number; content: StageDefinitionContent } | null = null;
  let rep: AssignedRep | null = null;
  let routedAt: Date | null = null;
  let outcome: Outcome | null = null;
  const pendingEvents: EngagementSignal[] = [];
  // A continued run evaluates once at start: events that arrived while the previous run was
  // handing over are in the database, so none is lost between runs.
  let profileChanged = carried !== undefined;
  let workingSignal: 'OPTED_OUT' | 'BOUNCED' | null = null;
  const background: Promise<void>[] = [];
  let seq = 0;
  const next = () => ++seq;

  // ---------------------------------------------------------------- recording helpers
  async function transition(to: string, actor: Actor, reason: string, details?: Record<string, unknown>): Promise<void> {
    const from = s.stage;
    s.stage = to;
    upsertSearchAttributes({ BatonStage: [to] });
    await store.recordTransition({ leadId, stepKey: key(`t${next()}-${to}`), fromStage: from, toStage: to, occurredAt: nowIso(), actor, reason, definitionVersion: s.definitionVersion, details: details ?? null });
  }

  async function notify(recipientId: string, kind: NotifyInput['kind'], payload: Record<string, unknown>): Promise<void> {
    const { notificationId, webhook } = await outbox.notify({ dedupeKey: key(`n${next()}-${kind}`), recipientId, kind, leadId, payload: { leadId, ...payload } });
    // Delivery runs beside the lifecycle: a slow receiver never holds up a clock.
    if (webhook) background.push(delivery.deliverWebhook({ notificationId }).then(() => undefined));
  }

  async function projectNextDue(): Promise<void> {
    const dues = [...s.clocks.filter((c) => c.status === 'PENDING').map((c) => c.dueAt), ...s.cadence.filter((c) => !c.doneAt).map((c) => c.dueAt)].sort();
    await store.projectLead({ leadId, patch: { nextDueAt: dues[0] ?? null } });
  }

  /** A business-hours SLA clock: met when `settle` marks it, else a permanent breach at its due instant. */
  function startClock(kind: SlaKind, startedAt: Date, dueAt: Date, onBreach?: () => Promise<void>): SlaClockView {
    const owner = rep;
    const view: SlaClockView = { key: key(`clock${next()}-${kind}`), kind, ownerId: owner?.id ?? null, startedAt: startedAt.toISOString(), dueAt: dueAt.toISOString(), status: 'PENDING' };
    s.clocks.push(view);
    background.push(
      (async () => {
        await store.openClock({ stepKey: view.key, leadId, kind, ownerId: view.ownerId, startedAt: view.startedAt, dueAt: view.dueAt });
        const settled = await condition(() => view.status !== 'PENDING', Math.max(0, dueAt.getTime() - Date.now()));
        if (settled) {
          await store.closeClock({ stepKey: view.key, status: view.status as 'MET' | 'CANCELLED', at: view.metAt ?? nowIso() });
        } else {
          view.status = 'BREACHED';
          view.breachedAt = nowIso();
          upsertSearchAttributes({ BatonSlaBreached: [true] });
          await store.recordBreach({ stepKey: view.key, at: view.breachedAt, managerId: owner?.managerId ?? null });
          await store.projectLead({ leadId, patch: { slaBreached: true } });
          if (owner?.managerId) await notify(owner.managerId, 'SLA_BREACH', { kind, repId: owner.id, dueAt: view.dueAt });
          if (onBreach) await onBreach();
        }
        await projectNextDue();
      })(),
    );
    return view;
  }

  /** The cadence step a touch fills: the earliest open step of its channel, else the earliest open step. */
  function stepForTouch(channel: string): CadenceStepView | undefined {
    const open = s.cadence.filter((c) => !c.doneAt);
    return open.find((c) => c.channel === channel) ?? open[0];
  }

  function settleClocks(kinds: string[], status: 'MET' | 'CANCELLED'): void {
    for (const c of s.clocks) {
      if (c.status === 'PENDING' && kinds.includes(c.kind)) {
        c.status = status;
        if (status === 'MET') c.metAt = nowIso();
      }
    }
  }

  const FIRST_TOUCH_KINDS = ['FIRST_TOUCH_HOT', 'FIRST_TOUCH_DEMO', 'FIRST_TOUCH_STANDARD'];
  const ALL_KINDS = ['ACCEPT', ...FIRST_TOUCH_KINDS];

  // ---------------------------------------------------------------- routing & assignment
  /**
   * `adopted`: the imported owner of record is kept. An owner already working the lead (SAL,
   * OPPORTUNITY) is not told it was assigned, and an open opportunity gets no first-touch clock.
   */
  async function assign(newRep: AssignedRep, at: Date, reason: string, actor: Actor, adopted = false): Promise<void> {
    const previous = rep;
    settleClocks(ALL_KINDS, 'CANCELLED');
    rep = newRep;
    routedAt = at;
    s.ownerId = newRep.id;
    s.queue = null;
    upsertSearchAttributes({ BatonOwnerId: [newRep.id] });
    await store.projectLead({ leadId, patch: { ownerId: newRep.id, routedAt: at.toISOString() } });
    // A reassignment (or a manager taking a lead out of the queue) is on the timeline with who and why.
    if (previous || actor.role !== 'SYSTEM') await transition(s.stage, actor, reason, { fromOwnerId: previous?.id ?? null, toOwnerId: newRep.id });
    const terms = definition!.content.sla;
    if (s.stage === 'MQL') {
      startClock('ACCEPT', at, slaDueAt('ACCEPT', terms, newRep.calendar, at), async () => {
        // Policy: a missed accept clock may move the lead on; the breach stays on record.
        if (terms.reassignOnAcceptBreach && s.stage === 'MQL' && rep?.id === newRep.id) await route([newRep.id], 'Reassigned after a missed accept SLA');
      });
    }
    if (s.touches.length === 0 && !(adopted && s.stage === 'OPPORTUNITY')) {
      const kind = firstTouchSlaKind({ hot: s.hot, demoRequest: s.demoRequest });
      startClock(kind, at, slaDueAt(kind, terms, newRep.calendar, at));
    }
    if (!(adopted && s.stage !== 'MQL')) await notify(newRep.id, previous ? 'LEAD_REASSIGNED' : 'LEAD_ASSIGNED', { hot: s.hot, demoRequest: s.demoRequest, reason });
    await projectNextDue();
  }

  async function route(exclude: string[], reason: string): Promise<void> {
    const at = now();
    const result = await routing.routeLead({ leadId, stepKey: key(`route${next()}`), at: at.toISOString(), hot: s.hot, excludeRepIds: exclude });
    if (result.rep) {
      await assign(result.rep, at, reason, SYSTEM_ACTOR);
    } else if (rep) {
      // Nobody else is eligible: the current owner keeps the lead (the decision and its trace are recorded).
      await store.projectLead({ leadId, patch: { ownerId: rep.id } });
    } else {
      s.queue = result.queue;
      if (result.queue) await transition(s.stage, SYSTEM_ACTOR, `No eligible rep: queued in ${result.queue}`, { queue: result.queue });
    }
  }

  // ---------------------------------------------------------------- recycle
  async function recycleOrClose(reason: RecycleReason, actor: Actor, reengageAt?: Date): Promise<void> {
    settleClocks(ALL_KINDS, 'CANCELLED');
    const decision = recycleDecision(reason, definition!.content, { now: now(), repReengageAt: reengageAt });
    if (decision.action === 'CLOSE') {
      outcome = { kind: 'END' };
      return;
    }
    const reengageAfter = decision.action === 'NURTURE' ? decision.reengageAt!.toISOString() : nowIso();
    s.reengageAfter = reengageAfter;
    s.recycleCount++;
    await store.projectLead({ leadId, patch: { ownerId: null, reengageAt: reengageAfter, recycleCount: s.recycleCount, nextDueAt: null } });
    await transition('RECYCLED', actor, decision.action === 'NURTURE' ? `Back to marketing nurture until ${reengageAfter}` : 'Back to marketing for data repair', { reason, action: decision.action, reengageAt: reengageAfter });
    outcome = { kind: 'RECYCLE', reengageAfter };
  }

  // ---------------------------------------------------------------- command validation
  function requireOwner(actor: Actor): void {
    if (!rep || actor.id !== rep.id) refuse(ErrorCode.NOT_OWNER, 'Only the lead\'s owner of record may do this');
  }
  function requireStage(allowed: string[], command: string): void {
    if (!allowed.includes(s.stage) || outcome) refuse(ErrorCode.INVALID_TRANSITION, `${command} is not allowed in stage ${s.stage}`);
  }
  function requireNote(needed: boolean, note: string | undefined, code: string): void {
    if (needed && !(note && note.trim().length >= 3)) refuse(ErrorCode.BAD_USER_INPUT, `A note is required for ${code}`, 'note', 'requiredForCode');
  }

  // ---------------------------------------------------------------- handlers
  setHandler(leadStateQuery, () => s);

  setHandler(engagementSignal, (event) => {
    if (['FIRST_TOUCH', 'ENGAGED', 'INCOMPLETE', 'RECYCLED'].includes(s.stage)) pendingEvents.push(event);
    else if (WORKING.includes(s.stage) && event.type === 'UNSUBSCRIBE') workingSignal = 'OPTED_OUT';
    else if (WORKING.includes(s.stage) && event.type === 'EMAIL_BOUNCE') workingSignal ??= 'BOUNCED';
  });
  setHandler(profileChangedSignal, () => {
    profileChanged = true;
  });

  setHandler(
    acceptLeadUpdate,
    async ({ actor }) => {
      settleClocks(['ACCEPT'], 'MET');
      await store.projectLead({ leadId, patch: { acceptedAt: nowIso() } });
      await transition('SAL', actor, 'Accepted by sales');
      const steps = planCadence(definition!.content.cadence, rep!.calendar, now());
      s.cadence = steps.map((p) => ({ step: p.step, day: p.day, channel: p.channel, dueAt: p.dueAt.toISOString() }));
      await store.recordCadence({ leadId, cycle, steps: s.cadence });
      await projectNextDue();
      return s;
    },
    {
      validator: ({ actor }) => {
        requireStage(['MQL'], 'acceptLead');
        requireOwner(actor);
      },
    },
  );

  setHandler(
    rejectLeadUpdate,
    async ({ actor, code, note, survivorLeadId }) => {
      settleClocks(['ACCEPT'], 'MET');
      await transition('REJECTED', actor, `Rejected: ${code}${note ? ` (${note})` : ''}`, { code, note: note ?? null, survivorLeadId: survivorLeadId ?? null });
      if (code === 'DUPLICATE_ACCOUNT') await store.projectLead({ leadId, patch: { survivorLeadId: survivorLeadId! } });
      await recycleOrClose(code as RecycleReason, actor);
      return s;
    },
    {
      validator: ({ actor, code, note, survivorLeadId }) => {
        requireStage(['MQL'], 'rejectLead');
        requireOwner(actor);
        const def = definition!.content.rejectionCodes.find((c) => c.code === code);
        if (!def) refuse(ErrorCode.BAD_USER_INPUT, `Unknown rejection code ${code}`, 'code', 'knownRejectionCode');
        requireNote(def.noteRequired, note, code);
        if (code === 'DUPLICATE_ACCOUNT' && (!survivorLeadId || survivorLeadId === leadId)) refuse(ErrorCode.BAD_USER_INPUT, 'DUPLICATE_ACCOUNT needs the surviving lead', 'survivorLeadId', 'requiredForDuplicate');
      },
    },
  );

  setHandler(
    logTouchUpdate,
    async (cmd) => {
      if (s.touches.some((t) => t.id === cmd.touchId)) return s; // a retried command: already logged
      const loggedAt = now();
      const occurredAt = new Date(cmd.occurredAt);
      const step = stepForTouch(cmd.channel);
      if (step) step.doneAt = loggedAt.toISOString();
      s.touches.push({ id: cmd.touchId, channel: cmd.channel, outcome: cmd.outcome, occurredAt: cmd.occurredAt, loggedAt: loggedAt.toISOString() });
      settleClocks(FIRST_TOUCH_KINDS, 'MET');
      await store.recordTouch({ stepKey: key(`touch-${cmd.touchId}`), leadId, repId: cmd.actor.id, channel: cmd.channel, outcome: cmd.outcome, occurredAt: cmd.occurredAt, loggedAt: loggedAt.toISOString(), cycle, cadenceStep: step?.step ?? null, note: cmd.note });

      // The outcome must be logged within the logging window of the touch itself.
      const logging = touchLoggingClock(occurredAt, loggedAt, definition!.content.sla);
      const logClock: SlaClockView = { key: key(`clock${next()}-TOUCH_LOGGING`), kind: 'TOUCH_LOGGING', ownerId: rep?.id ?? null, startedAt: cmd.occurredAt, dueAt: logging.dueAt.toISOString(), status: logging.status };
      s.clocks.push(logClock);
      await store.openClock({ stepKey: logClock.key, leadId, kind: 'TOUCH_LOGGING', ownerId: logClock.ownerId, startedAt: logClock.startedAt, dueAt: logClock.dueAt });
      if (logClock.status === 'MET') {
        logClock.metAt = loggedAt.toISOString();
        await store.closeClock({ stepKey: logClock.key, status: 'MET', at: logClock.metAt });
      } else {
        logClock.breachedAt = loggedAt.toISOString();
        await store.recordBreach({ stepKey: logClock.key, at: logClock.breachedAt, managerId: rep?.managerId ?? null });
        await store.projectLead({ leadId, patch: { slaBreached: true } });
      }

      if (CONNECT_OUTCOMES.includes(cmd.outcome)) s.cadenceExit ??= 'CONNECTED';
      if (cmd.outcome === 'OPTED_OUT') workingSignal = 'OPTED_OUT';
      else if (cmd.outcome === 'BOUNCED') workingSignal ??= 'BOUNCED';
      await projectNextDue();
      return s;
    },
    {
      validator: (cmd) => {
        if (s.touches.some((t) => t.id === cmd.touchId)) return;
        requireStage(['MQL', ...WORKING], 'logTouch');
        requireOwner(cmd.actor);
        if (s.cadenceExit === 'OPTED_OUT' || workingSignal === 'OPTED_OUT') refuse(ErrorCode.INVALID_TRANSITION, 'The lead opted out: no further touches');
        if (!(TOUCH_CHANNELS as readonly string[]).includes(cmd.channel)) refuse(ErrorCode.BAD_USER_INPUT, `Unknown channel ${cmd.channel}`, 'channel', 'knownChannel');
        if (!(TOUCH_OUTCOMES as readonly string[]).includes(cmd.outcome)) refuse(ErrorCode.BAD_USER_INPUT, `Unknown outcome ${cmd.outcome}`, 'outcome', 'knownOutcome');
        const at = parseIso('occurredAt', cmd.occurredAt);
        if (at.getTime() > Date.now() + FUTURE_TOLERANCE_MS) refuse(ErrorCode.BAD_USER_INPUT, 'occurredAt is in the future', 'occurredAt', 'notInFuture');
        if (routedAt && at < routedAt) refuse(ErrorCode.BAD_USER_INPUT, 'occurredAt is before the lead was routed to its owner', 'occurredAt', 'afterRouting');
      },
    },
  );

  setHandler(
    qualifyLeadUpdate,
    async ({ actor, bant, amount, expectedCloseAt }) => {
      settleClocks(ALL_KINDS, 'CANCELLED');
      s.cadenceExit ??= 'CONNECTED';
      await transition('SQL', actor, 'Qualified (BANT)', { bant });
      const createdAt = nowIso();
      const { opportunityId } = await store.createOpportunity({ stepKey: key('opportunity'), leadId, ownerId: rep?.id ?? null, amount, expectedCloseAt, createdAt, bant });
      s.opportunityId = opportunityId;
      await transition('OPPORTUNITY', actor, `Opportunity created: ${amount}`, { opportunityId, amount, expectedCloseAt });
      await projectNextDue();
      return s;
    },
    {
      validator: ({ actor, bant, amount, expectedCloseAt }) => {
        requireStage(['SAL'], 'qualifyLead');
        requireOwner(actor);
        const confirmed = [bant.budget, bant.authority, bant.need, bant.timeline].filter(Boolean).length;
        const min = definition!.content.bant.minConfirmed;
        if (confirmed < min) refuse(ErrorCode.BAD_USER_INPUT, `BANT: ${confirmed} of 4 confirmed, the definition requires ${min}`, 'bant', 'minConfirmed');
        if (!Number.isFinite(amount) || amount < 0) refuse(ErrorCode.BAD_USER_INPUT, 'amount must be a non-negative number', 'amount', 'nonNegative');
        if (parseIso('expectedCloseAt', expectedCloseAt).getTime() <= Date.now()) refuse(ErrorCode.BAD_USER_INPUT, 'expectedCloseAt must be in the future', 'expectedCloseAt', 'inFuture');
      },
    },
  );

  setHandler(
    disqualifyLeadUpdate,
    async ({ actor, reason, note, reengageAt }) => {
      await transition('DISQUALIFIED', actor, `Disqualified: ${reason}${note ? ` (${note})` : ''}`, { reason, note: note ?? null });
      await recycleOrClose(reason as RecycleReason, actor, reengageAt ? new Date(reengageAt) : undefined);
      return s;
    },
    {
      validator: ({ actor, reason, note, reengageAt }) => {
        requireStage(['SAL'], 'disqualifyLead');
        requireOwner(actor);
        const content = definition!.content;
        const def = content.disqualificationReasons.find((r) => r.code === reason);
        if (!def) refuse(ErrorCode.BAD_USER_INPUT, `Unknown disqualification reason ${reason}`, 'reason', 'knownReason');
        requireNote(def.noteRequired, note, reason);
        const progress = cadenceProgress(content.cadence, s.touches.map((t) => ({ occurredAt: t.occurredAt, channel: t.channel as TouchChannel })), now());
        const check = canDisqualify(reason as DisqualificationReason, content, progress);
        if (!check.allowed) {
          const code = check.violation.rule === 'CADENCE_INCOMPLETE' ? ErrorCode.CADENCE_INCOMPLETE : ErrorCode.BAD_USER_INPUT;
          refuse(code, check.violation.message, 'reason', check.violation.rule);
        }
        const at = reengageAt ? parseIso('reengageAt', reengageAt) : undefined;
        if (at && at.getTime() <= Date.now()) refuse(ErrorCode.BAD_USER_INPUT, 'reengageAt must be in the future', 'reengageAt', 'inFuture');
        try {
          recycleDecision(reason as RecycleReason, content, { now: now(), repReengageAt: at });
        } catch (e) {
          if (e instanceof DomainRuleError) refuse(ErrorCode.BAD_USER_INPUT, e.message, 'reengageAt', e.code);
          throw e;
        }
      },
    },
  );

  setHandler(
    reassignLeadUpdate,
    async ({ actor, repId, reason }) => {
      const target = await store.loadRep({ repId });
      if (!target) refuse(ErrorCode.NOT_FOUND, `Rep ${repId} does not exist or is inactive`, 'repId', 'activeRep');
      await assign(target, now(), `Reassigned by ${actor.role}${reason ? `: ${reason}` : ''}`, actor);
      return s;
    },
    {
      validator: ({ actor, repId }) => {
        if (!['SALES_MANAGER', 'REVOPS', 'ADMIN'].includes(actor.role)) refuse(ErrorCode.FORBIDDEN, 'Only a sales manager, RevOps or an admin may reassign a lead');
        requireStage(['MQL', ...WORKING], 'reassignLead');
        if (repId === s.ownerId) refuse(ErrorCode.BAD_USER_INPUT, 'The lead is already owned by this rep', 'repId', 'differentOwner');
      },
    },
  );

  setHandler(
    closeOpportunityUpdate,
    async ({ actor, won, reason }) => {
      await store.closeOpportunity({ opportunityId: s.opportunityId!, won, reason, at: nowIso() });
      await transition(won ? 'CLOSED_WON' : 'CLOSED_LOST', actor, `Opportunity ${won ? 'won' : 'lost'}: ${reason}`, { reason });
      outcome = { kind: 'END' };
      return s;
    },
    {
      validator: ({ actor, reason }) => {
        requireStage(['OPPORTUNITY'], 'closeOpportunity');
        if (actor.id !== s.ownerId && !['SALES_MANAGER', 'REVOPS', 'ADMIN'].includes(actor.role)) refuse(ErrorCode.NOT_OWNER, 'Only the owner or a manager may close the opportunity');
        if (!reason || reason.trim().length < 2) refuse(ErrorCode.BAD_USER_INPUT, 'A close reason is required', 'reason', 'required');
      },
    },
  );

  // ---------------------------------------------------------------- the lifecycle
  if (input.adopted) {
    await adopt(input.adopted);
  } else {
    await nurtureAndRoute();
  }

  /**
   * An imported lead whose history is still open, started where it stands. The owner of
   * record stays unless they are gone, in which case the lead is routed again now. The
   * imported touches count as logged ones: they settle the first-touch clock, count towards
   * the cadence and fill its steps. An MQL's clocks start at the imported routing instant (a
   * deadline already past breaches at once); a SAL's cadence is planned from its acceptance
   * in the owner's calendar; an open opportunity waits for `closeOpportunity`.
   */
  async function adopt(a: AdoptedLeadState): Promise<void> {
    const ctx = await store.loadEvaluationContext({ leadId });
    definition = ctx.definition;
    s.definitionVersion = ctx.definition.version;
    s.stage = a.stage;
    s.hot = a.hot;
    s.demoRequest = a.demoRequest;
    // Before assigning: assign starts a first-touch clock only for an untouched lead.
    s.touches = (a.touches ?? []).map((t) => ({ id: t.id, channel: t.channel, outcome: t.outcome, occurredAt: t.occurredAt, loggedAt: t.loggedAt }));
    if (s.touches.some((t) => CONNECT_OUTCOMES.includes(t.outcome))) s.cadenceExit = 'CONNECTED';
    if (a.stage === 'OPPORTUNITY') {
      s.opportunityId = a.opportunityId ?? null;
      s.cadenceExit ??= 'CONNECTED'; // qualified: out of the cadence, as after qualifyLead
    }
    const owner = await store.loadRep({ repId: a.ownerId });
    if (owner) {
      // Before the owner is set, so no touch can be logged before its step exists.
      if (a.stage === 'SAL') await adoptCadence(a, owner);
      await assign(owner, new Date(a.routedAt), 'Adopted from the historical import', SYSTEM_ACTOR, true);
    } else {
      await route([], 'Adopted from the historical import: the imported owner is not an active rep');
    }
    await condition(() => s.ownerId !== null || outcome !== null);
    if (a.stage === 'SAL' && s.cadence.length === 0 && rep && !outcome) {
      // Rerouted (or queued until a manager assigned it): the cadence follows the new owner's calendar.
      await adoptCadence(a, rep);
      await projectNextDue();
    }
  }

  /**
   * A SAL's cadence as it was planned at its acceptance, in the owner's calendar; the
   * imported touches since then fill its steps in time order exactly as `logTouch` does
   * (earliest open step of the channel, else the earliest open step, done when logged).
   */
  async function adoptCadence(a: AdoptedLeadState, owner: AssignedRep): Promise<void> {
    const acceptedAt = new Date(a.acceptedAt ?? a.routedAt);
    const planned = planCadence(definition!.content.cadence, owner.calendar, acceptedAt);
    s.cadence = planned.map((p) => ({ step: p.step, day: p.day, channel: p.channel, dueAt: p.dueAt.toISOString() }));
    const touchOfStep = new Map<number, string>();
    const since = s.touches.filter((t) => new Date(t.occurredAt) >= acceptedAt).sort((x, y) => new Date(x.occurredAt).getTime() - new Date(y.occurredAt).getTime());
    for (const t of since) {
      const step = stepForTouch(t.channel);
      if (!step) break;
      step.doneAt = t.loggedAt;
      touchOfStep.set(step.step, t.id);
    }
    await store.recordCadence({ leadId, cycle, steps: s.cadence.map((c) => ({ ...c, touchId: touchOfStep.get(c.step) })) });
  }

  /** Nurture until the active definition says MQL, then hand off and route. */
  async function nurtureAndRoute(): Promise<void> {
    if (!carried) {
      await store.recordTransition({ leadId, stepKey: `${workflowId}/first-touch`, fromStage: null, toStage: 'FIRST_TOUCH', occurredAt: input.capturedAt, actor: SYSTEM_ACTOR, reason: 'Lead captured' });
    }

    // Nurture: every event re-evaluates the ACTIVE definition until the lead qualifies.
    for (;;) {
      await condition(() => pendingEvents.length > 0 || profileChanged);
      const batch = pendingEvents.splice(0);
      profileChanged = false;
      const ctx = await store.loadEvaluationContext({ leadId });
      if ((s.stage === 'FIRST_TOUCH' || s.stage === 'RECYCLED') && batch.length > 0) await transition('ENGAGED', SYSTEM_ACTOR, `Engaged: ${batch[0].type}`);
      const evaluation = evaluateHandoff({
        profile: ctx.profile,
        events: ctx.events.map((e) => ({ ...e, type: e.type as EngagementType })),
        definition: ctx.definition.content,
        now: now(),
        lastOutreachAt: ctx.lastOutreachAt ? new Date(ctx.lastOutreachAt) : undefined,
        reengageAfter: s.reengageAfter ? new Date(s.reengageAfter) : undefined,
      });
      await store.projectLead({ leadId, patch: { intentScore: evaluation.score.score, hot: evaluation.hot } });
      if (evaluation.outcome !== 'ENGAGED' && !(evaluation.outcome === 'INCOMPLETE' && s.stage === 'INCOMPLETE')) {
        await store.recordHandoff({
          leadId,
          stepKey: key(`handoff${next()}-${evaluation.outcome}`),
          outcome: evaluation.outcome,
          evaluatedAt: nowIso(),
          definitionVersion: ctx.definition.version,
          hot: evaluation.hot,
          demoRequest: evaluation.demoRequest,
          intentScore: evaluation.score.score,
          scoreBreakdown: evaluation.score.breakdown,
          triggers: evaluation.triggers,
          missingFields: evaluation.missingFields,
          contentConsumed: evaluation.contentConsumed,
          reasons: evaluation.reasons,
        });
      }
      if (evaluation.outcome === 'MQL') {
        definition = ctx.definition; // pinned: this MQL's clocks and cadence follow the version it passed under
        s.definitionVersion = ctx.definition.version;
        s.hot = evaluation.hot;
        s.demoRequest = evaluation.demoRequest;
        await store.projectLead({ leadId, patch: { definitionVersion: s.definitionVersion, mqlAt: nowIso(), reengageAt: null } });
        await transition('MQL', SYSTEM_ACTOR, evaluation.reasons.join('; ') || 'Handoff criteria met', { triggers: evaluation.triggers.map((t) => t.triggerId), score: evaluation.score.score });
        break;
      }
      if (evaluation.outcome === 'INCOMPLETE' && s.stage !== 'INCOMPLETE') {
        await transition('INCOMPLETE', SYSTEM_ACTOR, `Meets the handoff triggers but lacks: ${evaluation.missingFields.join(', ')}`, { missingFields: evaluation.missingFields });
      }
      if (workflowInfo().continueAsNewSuggested) {
        await condition(allHandlersFinished);
        await continueAsNew<typeof leadWorkflow>({ leadId, capturedAt: input.capturedAt, carried: { cycle, stage: s.stage, recycleCount: s.recycleCount, reengageAfter: s.reengageAfter } });
      }
    }

    // Handoff: route to a rep (or a queue until a manager assigns one).
    await route([], 'Routed');
    await condition(() => s.ownerId !== null || outcome !== null);
  }

  // Sales works the lead: commands arrive as updates; opt-outs and bounces as events.
  while (!outcome) {
    await condition(() => outcome !== null || workingSignal !== null);
    if (outcome) break;
    const signal = workingSignal!;
    workingSignal = null;
    if (signal === 'OPTED_OUT' && WORKING.includes(s.stage)) {
      s.cadenceExit = 'OPTED_OUT';
      await transition('DISQUALIFIED', SYSTEM_ACTOR, 'Opted out: all touches stopped', { reason: 'OPTED_OUT' });
      await recycleOrClose('OPTED_OUT', SYSTEM_ACTOR);
    } else if (signal === 'BOUNCED' && s.stage === 'SAL') {
      s.cadenceExit = 'BOUNCED';
      settleClocks(ALL_KINDS, 'CANCELLED');
      s.reengageAfter = nowIso();
      s.recycleCount++;
      await store.projectLead({ leadId, patch: { ownerId: null, reengageAt: s.reengageAfter, recycleCount: s.recycleCount, nextDueAt: null } });
      await transition('RECYCLED', SYSTEM_ACTOR, 'Email bounced: back to marketing for data repair', { action: 'DATA_REPAIR' });
      outcome = { kind: 'RECYCLE', reengageAfter: s.reengageAfter };
    }
  }

  settleClocks(ALL_KINDS, 'CANCELLED');
  await condition(allHandlersFinished);
  await Promise.all(background);
  if (outcome.kind === 'RECYCLE') {
    await continueAsNew<typeof leadWorkflow>({ leadId, capturedAt: input.capturedAt, carried: { cycle: cycle + 1, stage: 'RECYCLED', recycleCount: s.recycleCount, reengageAfter: outcome.reengageAfter } });
  }
  upsertSearchAttributes({ BatonStage: [s.stage] });
}

