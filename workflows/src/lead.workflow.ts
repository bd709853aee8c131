import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  ParentClosePolicy,
  patched,
  proxyLocalActivities,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  CADENCE_MIN_TOUCH_DATES,
  cadenceProgress,
  cadenceWindows,
  canDisqualify,
  fillCadence,
  DisqualificationReason,
  isSameTouch,
  DomainRuleError,
  firstTouchSlaKind,
  NURTURE_STAGES,
  RecycleReason,
  recycleDecision,
  SlaKind,
  slaDueAt,
  StepSlot,
  stepForTouch,
  stepSlot,
  TOUCH_CHANNELS,
  TOUCH_OUTCOMES,
  TouchChannel,
  touchLoggingClock,
} from '../../libs/domain/src';
import { ErrorCode, NON_RETRYABLE_ACTIVITY_ERRORS } from '../../libs/contracts/src/errors';
import type { AssignedRep, LeadActivities, NotificationActivities, NotifyInput, PinnedDefinition, RoutingActivities } from '../../libs/contracts/src/lead-activities';
import {
  acceptLeadUpdate,
  AdoptedLeadState,
  CadenceStepView,
  CloseOpportunityCommand,
  closeOpportunityUpdate,
  DisqualifyLeadCommand,
  disqualifyLeadUpdate,
  engagementSignal,
  LeadCommand,
  LeadCommandResult,
  leadStateQuery,
  LeadWorkflowInput,
  LeadWorkflowState,
  LogTouchCommand,
  logTouchUpdate,
  profileChangedSignal,
  QualifyLeadCommand,
  qualifyLeadUpdate,
  ReassignLeadCommand,
  reassignLeadUpdate,
  RejectLeadCommand,
  rejectLeadUpdate,
  SlaClockView,
} from '../../libs/contracts/src/lead-workflow';
import { Actor, SYSTEM_ACTOR } from '../../libs/contracts/src/roles';
import { notificationDeliveryWorkflowId } from '../../libs/contracts/src/task-queues';

// Database writes are short and idempotent: local activities run them in the worker without a
// server round trip each, which keeps event -> assignment well under a second. Retries are
// bounded: a rule the data breaks fails at once, an outage is retried for an hour.
const local = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 hour',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '1 minute', nonRetryableErrorTypes: NON_RETRYABLE_ACTIVITY_ERRORS },
} as const;
const store = proxyLocalActivities<LeadActivities>(local);
const routing = proxyLocalActivities<RoutingActivities>(local);
const outbox = proxyLocalActivities<NotificationActivities>(local);

/** Stages in which the lead is owned by sales and being worked. */
const WORKING = ['SAL', 'SQL', 'OPPORTUNITY'];
const CONNECT_OUTCOMES = ['CONNECTED', 'REPLIED', 'MEETING_BOOKED'];
const FIRST_TOUCH_KINDS = ['FIRST_TOUCH_HOT', 'FIRST_TOUCH_DEMO', 'FIRST_TOUCH_STANDARD'];
const ALL_KINDS = ['ACCEPT', ...FIRST_TOUCH_KINDS];
/** Clock skew tolerated on a touch's `occurredAt`. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
/** Marks runs whose disqualifications were checked under the completeness rule with local dates (docs/versioning.md). */
const CADENCE_DATES_PATCH = 'cadence-touch-dates';
/** A run hands over to a new one (continue-as-new) past this many history events, so a lead that lives for years stays cheap to replay. */
export const LEAD_HISTORY_LIMIT = 2_000;

function refuse(code: ErrorCode, message: string, field?: string, rule?: string): never {
  throw ApplicationFailure.create({ type: code, message, nonRetryable: true, details: field ? [{ field, rule: rule ?? code, message }] : [] });
}

function parseIso(field: string, value: string): Date {
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(d.getTime())) refuse(ErrorCode.BAD_USER_INPUT, `${field} must be an ISO-8601 instant`, field, 'isoInstant');
  return d;
}

const historyTooLong = () => workflowInfo().historyLength > LEAD_HISTORY_LIMIT || workflowInfo().continueAsNewSuggested;

type Outcome = { kind: 'END' } | { kind: 'RECYCLE'; reengageAfter: string | null };
type Actionable = 'UNSUBSCRIBE' | 'EMAIL_BOUNCE' | 'EMAIL_REPLY';
const ACTIONABLE: readonly string[] = ['UNSUBSCRIBE', 'EMAIL_BOUNCE', 'EMAIL_REPLY'];

/**
 * One lead's lifecycle, from first touch to outcome: nurture until the active stage
 * definition says MQL, hand off and route, run the SLA clocks in the owner's business
 * hours, follow the cadence, then qualify, disqualify, reject or recycle (continue-as-new).
 *
 * Commands arrive as updates. Validators refuse, with a typed error and no change, anything
 * the contract does not allow; accepted commands then run one at a time (`serialized`) and
 * check again against the state they find, so concurrent commands take effect exactly once.
 * Every write goes through an activity keyed by `<workflowId>/c<cycle>/<step>` so a retry
 * never writes twice. Opt-outs and bounces are honoured in every open stage.
 */
export async function leadWorkflow(input: LeadWorkflowInput): Promise<void> {
  const { workflowId } = workflowInfo();
  const { carried, resumed } = input;
  const cycle = resumed?.state.cycle ?? carried?.cycle ?? 0;
  const leadId = input.leadId;
  const key = (step: string) => `${workflowId}/c${cycle}/${step}`;
  const now = () => new Date();
  const nowIso = () => new Date().toISOString();

  const s: LeadWorkflowState = resumed
    ? { ...resumed.state, clocks: resumed.state.clocks.filter((c) => c.status === 'PENDING') }
    : {
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
        optedOut: carried?.optedOut ?? false,
        emailBounced: false,
      };
  let definition: PinnedDefinition | null = resumed?.definition ?? null;
  let rep: AssignedRep | null = resumed?.rep ?? null;
  let routedAt: Date | null = resumed?.routedAt ? new Date(resumed.routedAt) : null;
  let outcome = null as Outcome | null; // set by handlers too: no narrowing
  let seq = resumed?.seq ?? carried?.seq ?? 0;
  const next = () => ++seq;
  // Events only say "look again": the events themselves are read from the database.
  let nurtureWake = carried !== undefined; // a continued run evaluates once: events may have arrived during the handover
  let engagedBy: string | null = null; // the first event since the last evaluation (a wake by enrichment has none)
  const actionable: Actionable[] = [];
  const background: Promise<void>[] = [];

  // ---------------------------------------------------------------- one turn at a time
  // Commands, clock deadlines, opt-outs and routing each take a turn: their activities never
  // run side by side, so a replay resolves them in the order the live run did, and each
  // checks the state it finds rather than the state it was admitted under.
  let tail: Promise<unknown> = Promise.resolve();
  let turns = 0;
  /** Run `work` after every turn claimed before it (the claim is synchronous). */
  function serialized<T>(work: () => Promise<T>): Promise<T> {
    turns++;
    const run = tail.then(work).finally(() => turns--);
    tail = run.catch(() => undefined);
    return run;
  }
  let requestId: string | undefined; // of the command whose turn it is: its transitions carry it
  function command<A extends LeadCommand, R>(check: (a: A) => void, body: (a: A) => Promise<R>): (a: A) => Promise<R> {
    return (a: A) =>
      serialized(async () => {
        check(a); // the state may have changed while this command waited its turn
        requestId = a.requestId;
        try {
          return await body(a);
        } catch (e) {
          // A rule the command breaks refuses the command; it never fails the lead's workflow task.
          if (e instanceof DomainRuleError) refuse(ErrorCode.BAD_USER_INPUT, e.message, e.violations[0]?.field, e.code);
          throw e;
        } finally {
          requestId = undefined;
        }
      });
  }
  const idle = () => turns === 0 && allHandlersFinished();
  /**
   * Before the run completes or continues as new: every turn done, and the answers to the last
   * commands recorded in a workflow task of their own. Temporal aborts the updates of a task that
   * also closes the run, so the command that ended the cycle would otherwise answer with an error.
   */
  async function quietBeforeClosing(): Promise<void> {
    do {
      await condition(idle);
      await sleep(1);
    } while (!idle());
  }
  const result = (): LeadCommandResult => ({
    leadId,
    stage: s.stage,
    ownerId: s.ownerId,
    cycle,
    recycleCount: s.recycleCount,
    reengageAfter: s.reengageAfter,
    cadenceExit: s.cadenceExit,
    opportunityId: s.opportunityId,
  });

  // ---------------------------------------------------------------- recording helpers
  async function transition(to: string, actor: Actor, reason: string, details?: Record<string, unknown>): Promise<void> {
    const from = s.stage;
    s.stage = to;
    upsertSearchAttributes({ BatonStage: [to] });
    const recorded = requestId ? { ...details, requestId } : details;
    await store.recordTransition({ leadId, stepKey: key(`t${next()}-${to}`), fromStage: from, toStage: to, occurredAt: nowIso(), actor, reason, definitionVersion: s.definitionVersion, details: recorded ?? null });
  }

  async function notify(recipientId: string, kind: NotifyInput['kind'], payload: Record<string, unknown>): Promise<void> {
    const { notificationId, webhook } = await outbox.notify({ dedupeKey: key(`n${next()}-${kind}`), recipientId, kind, leadId, payload: { leadId, ...payload } });
    if (!webhook) return;
    // Delivery is its own workflow, abandoned: a slow or dead receiver never holds up or fails the lead.
    try {
      await startChild('notificationDeliveryWorkflow', {
        workflowId: notificationDeliveryWorkflowId(notificationId),
        args: [{ notificationId }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        searchAttributes: { BatonKind: ['notification'] },
      });
    } catch (e) {
      log.warn('notification delivery not started', { notificationId, error: (e as Error).message });
    }
  }

  async function projectNextDue(): Promise<void> {
    const dues = [...s.clocks.filter((c) => c.status === 'PENDING').map((c) => c.dueAt), ...s.cadence.filter((c) => !c.doneAt && slot(c).closesAt >= now()).map((c) => c.dueAt)].sort(); // a missed step is due no more
    await store.projectLead({ leadId, patch: { nextDueAt: dues[0] ?? null } });
  }

  // ---------------------------------------------------------------- SLA clocks
  /** A business-hours SLA clock: met when `settleClocks` marks it, else a permanent breach at its due instant. */
  async function startClock(kind: SlaKind, startedAt: Date, dueAt: Date): Promise<void> {
    const view: SlaClockView = { key: key(`clock${next()}-${kind}`), kind, ownerId: rep?.id ?? null, startedAt: startedAt.toISOString(), dueAt: dueAt.toISOString(), status: 'PENDING' };
    s.clocks.push(view);
    await store.openClock({ stepKey: view.key, leadId, kind: view.kind, ownerId: view.ownerId, startedAt: view.startedAt, dueAt: view.dueAt });
    watchClock(view, rep);
  }

  /** Wait for the clock to settle or fall due, then record which, in its own turn (also how a continued run picks up its pending clocks). */
  function watchClock(view: SlaClockView, owner: AssignedRep | null): void {
    background.push(
      (async () => {
        await condition(() => view.status !== 'PENDING', Math.max(0, new Date(view.dueAt).getTime() - Date.now()));
        await serialized(async () => {
          // Still pending when its turn comes: breached. A command that held the turn may have settled it in time.
          if (view.status === 'PENDING') await breach(view, owner);
          else await store.closeClock({ stepKey: view.key, status: view.status as 'MET' | 'CANCELLED', at: view.metAt ?? nowIso() });
          await projectNextDue();
        }).catch((e) => log.error('SLA clock could not be recorded', { clock: view.key, error: (e as Error).message }));
      })(),
    );
  }

  async function breach(view: SlaClockView, owner: AssignedRep | null): Promise<void> {
    view.status = 'BREACHED';
    view.breachedAt = nowIso();
    upsertSearchAttributes({ BatonSlaBreached: [true] });
    await store.recordBreach({ stepKey: view.key, at: view.breachedAt, managerId: owner?.managerId ?? null });
    await store.projectLead({ leadId, patch: { slaBreached: true } });
    if (owner?.managerId) await notify(owner.managerId, 'SLA_BREACH', { kind: view.kind, repId: owner.id, dueAt: view.dueAt });
    // Policy: a missed accept clock may move the lead on; the breach stays on record.
    if (view.kind === 'ACCEPT' && definition!.content.sla.reassignOnAcceptBreach && s.stage === 'MQL' && !outcome && rep?.id === view.ownerId) {
      await route([view.ownerId!], 'Reassigned after a missed accept SLA');
    }
  }

  function settleClocks(kinds: string[], status: 'MET' | 'CANCELLED'): void {
    for (const c of s.clocks) {
      if (c.status === 'PENDING' && kinds.includes(c.kind)) {
        c.status = status;
        if (status === 'MET') c.metAt = nowIso();
      }
    }
  }

  /** A step as the filling rule sees it (domain `stepSlot`). */
  function slot(c: CadenceStepView): StepSlot {
    return stepSlot({ ...c, filled: !!c.doneAt }, definition!.content.sla.touchLoggingMinutes);
  }

  /** The cadence step a touch fills (domain rule: its own channel, its window), if any. */
  function stepOfTouch(channel: string, occurredAt: Date): CadenceStepView | undefined {
    return s.cadence[stepForTouch(s.cadence.map(slot), { channel, at: occurredAt })];
  }

  /** Plans the cadence from `acceptedAt` in the owner's calendar, each step with its window. */
  function planSteps(owner: AssignedRep, acceptedAt: Date): CadenceStepView[] {
    const content = definition!.content;
    return cadenceWindows(content.cadence, owner.calendar, acceptedAt, content.sla.touchLoggingMinutes).map((p) => ({
      step: p.step,
      day: p.day,
      channel: p.channel,
      dueAt: p.dueAt.toISOString(),
      opensAt: p.opensAt.toISOString(),
      closesAt: p.closesAt.toISOString(),
    }));
  }

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
    if (s.stage === 'MQL') await startClock('ACCEPT', at, slaDueAt('ACCEPT', terms, newRep.calendar, at));
    if (s.touches.length === 0 && !(adopted && s.stage === 'OPPORTUNITY')) {
      const kind = firstTouchSlaKind({ hot: s.hot, demoRequest: s.demoRequest });
      await startClock(kind, at, slaDueAt(kind, terms, newRep.calendar, at));
    }
    if (!(adopted && s.stage !== 'MQL')) await notify(newRep.id, previous ? 'LEAD_REASSIGNED' : 'LEAD_ASSIGNED', { hot: s.hot, demoRequest: s.demoRequest, reason });
    await projectNextDue();
  }

  async function route(exclude: string[], reason: string): Promise<void> {
    const at = now();
    const decision = await routing.routeLead({ leadId, stepKey: key(`route${next()}`), at: at.toISOString(), hot: s.hot, excludeRepIds: exclude });
    if (decision.rep) {
      await assign(decision.rep, at, reason, SYSTEM_ACTOR);
    } else if (rep) {
      // Nobody else is eligible: the current owner keeps the lead (the decision and its trace are recorded).
      await store.projectLead({ leadId, patch: { ownerId: rep.id } });
    } else {
      s.queue = decision.queue;
      if (decision.queue) await transition(s.stage, SYSTEM_ACTOR, `No eligible rep: queued in ${decision.queue}`, { queue: decision.queue });
    }
  }

  // ---------------------------------------------------------------- leaving sales
  async function recycleOrClose(reason: RecycleReason, actor: Actor, reengageAt?: Date): Promise<void> {
    settleClocks(ALL_KINDS, 'CANCELLED');
    const decision = recycleDecision(reason, definition!.content, { now: now(), repReengageAt: reengageAt });
    if (decision.action === 'CLOSE') {
      outcome = { kind: 'END' };
      return;
    }
    await backToMarketing(actor, decision.action === 'NURTURE' ? decision.reengageAt!.toISOString() : null, { reason, action: decision.action });
  }

  /** RECYCLED: nurture until `reengageAfter`, or (null) data repair, re-engageable at once. */
  async function backToMarketing(actor: Actor, reengageAfter: string | null, details: Record<string, unknown>): Promise<void> {
    settleClocks(ALL_KINDS, 'CANCELLED');
    s.reengageAfter = reengageAfter ?? nowIso();
    s.recycleCount++;
    s.ownerId = null; // back in marketing, owned by no rep: the command's answer says so, as the record does
    await store.projectLead({ leadId, patch: { ownerId: null, reengageAt: s.reengageAfter, recycleCount: s.recycleCount, nextDueAt: null } });
    const why = reengageAfter ? `Back to marketing nurture until ${reengageAfter}` : details.reason === 'EMAIL_BOUNCE' ? 'Email bounced: back to marketing for data repair' : 'Back to marketing for data repair';
    await transition('RECYCLED', actor, why, { ...details, reengageAt: s.reengageAfter });
    outcome = { kind: 'RECYCLE', reengageAfter: s.reengageAfter };
  }

  /**
   * An opt-out, bounce or reply, in whatever stage the lead is (domain brief §2, "Opt-out and
   * bounce in every stage"). Delivered twice, it changes nothing the second time.
   */
  async function react(type: Actionable): Promise<void> {
    if (outcome) return;
    const stage = s.stage;
    const inSales = ['MQL', 'SAL', 'SQL'].includes(stage);
    if (type === 'UNSUBSCRIBE') {
      const first = !s.optedOut;
      s.optedOut = true;
      if (first) await store.projectLead({ leadId, patch: { optedOutAt: nowIso() } });
      if (stage === 'INCOMPLETE' || inSales) {
        if (WORKING.includes(stage)) s.cadenceExit = 'OPTED_OUT';
        await transition('DISQUALIFIED', SYSTEM_ACTOR, 'Opted out: all touches stopped', { reason: 'OPTED_OUT' });
        if (rep) await notify(rep.id, 'LEAD_OPTED_OUT', { stage });
        await recycleOrClose('OPTED_OUT', SYSTEM_ACTOR);
      } else if (stage === 'OPPORTUNITY' && first && rep) {
        await notify(rep.id, 'LEAD_OPTED_OUT', { stage }); // the deal stays open; e-mail touches are refused
      }
    } else if (type === 'EMAIL_BOUNCE') {
      if (inSales) {
        if (WORKING.includes(stage)) s.cadenceExit = 'BOUNCED';
        if (rep) await notify(rep.id, 'EMAIL_BOUNCED', { stage });
        await backToMarketing(SYSTEM_ACTOR, null, { reason: 'EMAIL_BOUNCE', action: 'DATA_REPAIR' });
      } else if (!s.emailBounced) {
        s.emailBounced = true;
        await store.projectLead({ leadId, patch: { emailBouncedAt: nowIso() } });
        if (stage === 'OPPORTUNITY' && rep) await notify(rep.id, 'EMAIL_BOUNCED', { stage });
      }
    } else if (type === 'EMAIL_REPLY' && stage === 'SAL') {
      s.cadenceExit ??= 'CONNECTED';
    }
  }

  // ---------------------------------------------------------------- command validation
  function requireOwner(actor: Actor): void {
    if (!rep || actor.id !== rep.id) refuse(ErrorCode.NOT_OWNER, "Only the lead's owner of record may do this");
  }
  function requireStage(allowed: string[], command: string): void {
    if (allowed.includes(s.stage) && !outcome) return;
    // The stage the workflow refused in travels with the refusal (the API compares it with the lead's record); a closing lifecycle is final.
    throw ApplicationFailure.create({ type: ErrorCode.INVALID_TRANSITION, message: `${command} is not allowed in stage ${s.stage}`, nonRetryable: true, details: outcome ? [] : [{ stage: s.stage }] });
  }
  function requireNote(needed: boolean, note: string | undefined, code: string): void {
    if (needed && !(note && note.trim().length >= 3)) refuse(ErrorCode.BAD_USER_INPUT, `A note is required for ${code}`, 'note', 'requiredForCode');
  }
  const optedOut = () => s.optedOut || actionable.includes('UNSUBSCRIBE');

  // ---------------------------------------------------------------- handlers
  setHandler(leadStateQuery, () => s);

  setHandler(engagementSignal, (event) => {
    if (ACTIONABLE.includes(event.type)) actionable.push(event.type as Actionable);
    if ((NURTURE_STAGES as readonly string[]).includes(s.stage)) {
      nurtureWake = true;
      engagedBy ??= event.type;
    }
  });
  setHandler(profileChangedSignal, () => {
    nurtureWake = true;
  });

  const checkAccept = ({ actor }: LeadCommand) => {
    requireOwner(actor);
    requireStage(['MQL'], 'acceptLead');
    if (actionable.includes('UNSUBSCRIBE')) refuse(ErrorCode.INVALID_TRANSITION, 'The person opted out: the lead may not enter an e-mail cadence');
  };
  setHandler(
    acceptLeadUpdate,
    command(checkAccept, async ({ actor }) => {
      settleClocks(['ACCEPT'], 'MET');
      await store.projectLead({ leadId, patch: { acceptedAt: nowIso() } });
      await transition('SAL', actor, 'Accepted by sales');
      s.cadence = planSteps(rep!, now());
      await store.recordCadence({ leadId, cycle, steps: s.cadence });
      await projectNextDue();
      return result();
    }),
    { validator: checkAccept },
  );

  /** The recycle policy of `reason` accepts the rep's re-engage date (BAD_TIMING requires one, in the future). */
  function checkReengage(reason: string, reengageAt: string | undefined): void {
    const at = reengageAt ? parseIso('reengageAt', reengageAt) : undefined;
    if (at && at.getTime() <= Date.now()) refuse(ErrorCode.BAD_USER_INPUT, 'reengageAt must be in the future', 'reengageAt', 'inFuture');
    try {
      recycleDecision(reason as RecycleReason, definition!.content, { now: now(), repReengageAt: at });
    } catch (e) {
      if (e instanceof DomainRuleError) refuse(ErrorCode.BAD_USER_INPUT, e.message, 'reengageAt', e.code);
      throw e;
    }
  }

  const checkReject = ({ actor, code, note, survivorLeadId, reengageAt }: RejectLeadCommand) => {
    requireOwner(actor);
    requireStage(['MQL'], 'rejectLead');
    const def = definition!.content.rejectionCodes.find((c) => c.code === code);
    if (!def) refuse(ErrorCode.BAD_USER_INPUT, `Unknown rejection code ${code}`, 'code', 'knownRejectionCode');
    requireNote(def.noteRequired, note, code);
    if (code === 'DUPLICATE_ACCOUNT' && (!survivorLeadId || survivorLeadId === leadId)) refuse(ErrorCode.BAD_USER_INPUT, 'DUPLICATE_ACCOUNT needs the surviving lead', 'survivorLeadId', 'requiredForDuplicate');
    checkReengage(code, reengageAt);
  };
  setHandler(
    rejectLeadUpdate,
    command(checkReject, async ({ actor, code, note, survivorLeadId, reengageAt }) => {
      settleClocks(['ACCEPT'], 'MET');
      await transition('REJECTED', actor, `Rejected: ${code}${note ? ` (${note})` : ''}`, { code, note: note ?? null, survivorLeadId: survivorLeadId ?? null });
      if (code === 'DUPLICATE_ACCOUNT') await store.projectLead({ leadId, patch: { survivorLeadId: survivorLeadId! } });
      await recycleOrClose(code as RecycleReason, actor, reengageAt ? new Date(reengageAt) : undefined);
      return result();
    }),
    { validator: checkReject },
  );

  const alreadyLogged = (cmd: LogTouchCommand) => s.touches.some((t) => t.id === cmd.touchId);
  const checkTouch = (cmd: LogTouchCommand) => {
    requireOwner(cmd.actor);
    const logged = s.touches.find((t) => t.id === cmd.touchId);
    if (logged) {
      // A retried touch answers with the lead as it stands; the same touchId for another touch is a conflict.
      if (!isSameTouch(logged, cmd)) refuse(ErrorCode.CONFLICT, 'touchId was already used for a different touch', 'touchId', 'sameTouch');
      return;
    }
    requireStage(['MQL', ...WORKING], 'logTouch');
    if (s.cadenceExit === 'OPTED_OUT') refuse(ErrorCode.INVALID_TRANSITION, 'The lead opted out: no further touches');
    if (!(TOUCH_CHANNELS as readonly string[]).includes(cmd.channel)) refuse(ErrorCode.BAD_USER_INPUT, `Unknown channel ${cmd.channel}`, 'channel', 'knownChannel');
    if (cmd.channel === 'EMAIL' && optedOut()) refuse(ErrorCode.INVALID_TRANSITION, 'The person opted out of e-mail: no e-mail touches', 'channel', 'optedOut');
    if (!(TOUCH_OUTCOMES as readonly string[]).includes(cmd.outcome)) refuse(ErrorCode.BAD_USER_INPUT, `Unknown outcome ${cmd.outcome}`, 'outcome', 'knownOutcome');
    const at = parseIso('occurredAt', cmd.occurredAt);
    if (at.getTime() > Date.now() + FUTURE_TOLERANCE_MS) refuse(ErrorCode.BAD_USER_INPUT, 'occurredAt is in the future', 'occurredAt', 'notInFuture');
    if (routedAt && at < routedAt) refuse(ErrorCode.BAD_USER_INPUT, 'occurredAt is before the lead was routed to its owner', 'occurredAt', 'afterRouting');
  };
  setHandler(
    logTouchUpdate,
    command(checkTouch, async (cmd) => {
      if (alreadyLogged(cmd)) return result();
      const loggedAt = now();
      const occurredAt = new Date(cmd.occurredAt);
      const step = stepOfTouch(cmd.channel, occurredAt);
      if (step) {
        step.doneAt = loggedAt.toISOString();
        step.touchId = cmd.touchId;
      }
      s.touches.push({ id: cmd.touchId, channel: cmd.channel, outcome: cmd.outcome, occurredAt: cmd.occurredAt, loggedAt: loggedAt.toISOString() });
      settleClocks(FIRST_TOUCH_KINDS, 'MET');
      await store.recordTouch({ stepKey: key(`touch-${cmd.touchId}`), leadId, repId: cmd.actor.id, channel: cmd.channel, outcome: cmd.outcome, occurredAt: cmd.occurredAt, loggedAt: loggedAt.toISOString(), cycle, cadenceStep: step?.step ?? null, note: cmd.note });
      await recordTouchLogging(cmd.occurredAt, occurredAt, loggedAt);
      if (CONNECT_OUTCOMES.includes(cmd.outcome)) s.cadenceExit ??= 'CONNECTED';
      if (cmd.outcome === 'OPTED_OUT') await react('UNSUBSCRIBE');
      else if (cmd.outcome === 'BOUNCED') await react('EMAIL_BOUNCE');
      await projectNextDue();
      return result();
    }),
    { validator: checkTouch },
  );

  /** The outcome must be logged within the logging window of the touch itself. */
  async function recordTouchLogging(occurredIso: string, occurredAt: Date, loggedAt: Date): Promise<void> {
    const logging = touchLoggingClock(occurredAt, loggedAt, definition!.content.sla);
    const clock: SlaClockView = { key: key(`clock${next()}-TOUCH_LOGGING`), kind: 'TOUCH_LOGGING', ownerId: rep?.id ?? null, startedAt: occurredIso, dueAt: logging.dueAt.toISOString(), status: logging.status };
    if (clock.status === 'MET') clock.metAt = loggedAt.toISOString();
    else clock.breachedAt = loggedAt.toISOString();
    s.clocks.push(clock);
    await store.openClock({ stepKey: clock.key, leadId, kind: 'TOUCH_LOGGING', ownerId: clock.ownerId, startedAt: clock.startedAt, dueAt: clock.dueAt });
    if (clock.status === 'MET') {
      await store.closeClock({ stepKey: clock.key, status: 'MET', at: loggedAt.toISOString() });
    } else {
      await store.recordBreach({ stepKey: clock.key, at: loggedAt.toISOString(), managerId: rep?.managerId ?? null });
      await store.projectLead({ leadId, patch: { slaBreached: true } });
    }
  }

  const checkQualify = ({ actor, bant, amount, expectedCloseAt }: QualifyLeadCommand) => {
    requireOwner(actor);
    requireStage(['SAL'], 'qualifyLead');
    const confirmed = [bant.budget, bant.authority, bant.need, bant.timeline].filter(Boolean).length;
    const min = definition!.content.bant.minConfirmed;
    if (confirmed < min) refuse(ErrorCode.BAD_USER_INPUT, `BANT: ${confirmed} of 4 confirmed, the definition requires ${min}`, 'bant', 'minConfirmed');
    if (!Number.isFinite(amount) || amount < 0) refuse(ErrorCode.BAD_USER_INPUT, 'amount must be a non-negative number', 'amount', 'nonNegative');
    if (parseIso('expectedCloseAt', expectedCloseAt).getTime() <= Date.now()) refuse(ErrorCode.BAD_USER_INPUT, 'expectedCloseAt must be in the future', 'expectedCloseAt', 'inFuture');
  };
  setHandler(
    qualifyLeadUpdate,
    command(checkQualify, async ({ actor, bant, amount, expectedCloseAt }) => {
      settleClocks(ALL_KINDS, 'CANCELLED');
      s.cadenceExit ??= 'CONNECTED';
      await transition('SQL', actor, 'Qualified (BANT)', { bant });
      const { opportunityId } = await store.createOpportunity({ stepKey: key('opportunity'), leadId, ownerId: rep?.id ?? null, amount, expectedCloseAt, createdAt: nowIso(), bant });
      s.opportunityId = opportunityId;
      await transition('OPPORTUNITY', actor, `Opportunity created: ${amount}`, { opportunityId, amount, expectedCloseAt });
      await projectNextDue();
      return result();
    }),
    { validator: checkQualify },
  );

  /**
   * `minDates`: the completeness rule's spread over local dates. Runs that accepted a
   * disqualification before that rule existed replay it under the old one (any one date).
   */
  const checkDisqualifyWith = ({ actor, reason, note, reengageAt }: DisqualifyLeadCommand, minDates: number) => {
    requireOwner(actor);
    requireStage(['SAL'], 'disqualifyLead');
    const content = definition!.content;
    const def = content.disqualificationReasons.find((r) => r.code === reason);
    if (!def) refuse(ErrorCode.BAD_USER_INPUT, `Unknown disqualification reason ${reason}`, 'reason', 'knownReason');
    requireNote(def.noteRequired, note, reason);
    const touches = s.touches.map((t) => ({ occurredAt: t.occurredAt, channel: t.channel as TouchChannel }));
    const progress = cadenceProgress(content.cadence, touches, now(), rep!.calendar.timeZone, minDates);
    const check = canDisqualify(reason as DisqualificationReason, content, progress);
    if (!check.allowed) {
      const code = check.violation.rule === 'CADENCE_INCOMPLETE' ? ErrorCode.CADENCE_INCOMPLETE : ErrorCode.BAD_USER_INPUT;
      refuse(code, check.violation.message, 'reason', check.violation.rule);
    }
    checkReengage(reason, reengageAt);
  };
  const checkDisqualify = (cmd: DisqualifyLeadCommand) => checkDisqualifyWith(cmd, CADENCE_MIN_TOUCH_DATES);
  setHandler(
    disqualifyLeadUpdate,
    command(
      (cmd: DisqualifyLeadCommand) => checkDisqualifyWith(cmd, patched(CADENCE_DATES_PATCH) ? CADENCE_MIN_TOUCH_DATES : 1),
      async ({ actor, reason, note, reengageAt }) => {
        await transition('DISQUALIFIED', actor, `Disqualified: ${reason}${note ? ` (${note})` : ''}`, { reason, note: note ?? null });
        await recycleOrClose(reason as RecycleReason, actor, reengageAt ? new Date(reengageAt) : undefined);
        return result();
      },
    ),
    { validator: checkDisqualify },
  );

  const checkReassign = ({ actor, repId }: ReassignLeadCommand) => {
    if (!['SALES_MANAGER', 'REVOPS', 'ADMIN'].includes(actor.role)) refuse(ErrorCode.FORBIDDEN, 'Only a sales manager, RevOps or an admin may reassign a lead');
    requireStage(['MQL', ...WORKING], 'reassignLead');
    if (repId === s.ownerId) refuse(ErrorCode.BAD_USER_INPUT, 'The lead is already owned by this rep', 'repId', 'differentOwner');
  };
  setHandler(
    reassignLeadUpdate,
    command(checkReassign, async ({ actor, repId, reason }) => {
      const target = await store.loadRep({ repId });
      if (!target) refuse(ErrorCode.NOT_FOUND, `Rep ${repId} does not exist or is inactive`, 'repId', 'activeRep');
      await assign(target, now(), `Reassigned by ${actor.role}${reason ? `: ${reason}` : ''}`, actor);
      return result();
    }),
    { validator: checkReassign },
  );

  const checkClose = ({ actor, reason }: CloseOpportunityCommand) => {
    if (actor.id !== s.ownerId && !['SALES_MANAGER', 'REVOPS', 'ADMIN'].includes(actor.role)) refuse(ErrorCode.NOT_OWNER, 'Only the owner or a manager may close the opportunity');
    requireStage(['OPPORTUNITY'], 'closeOpportunity');
    if (!reason || reason.trim().length < 2) refuse(ErrorCode.BAD_USER_INPUT, 'A close reason is required', 'reason', 'required');
  };
  setHandler(
    closeOpportunityUpdate,
    command(checkClose, async ({ actor, won, reason }) => {
      outcome = { kind: 'END' }; // claimed before the first await: nothing else runs against a closing lead
      await store.closeOpportunity({ opportunityId: s.opportunityId!, won, reason, at: nowIso() });
      await transition(won ? 'CLOSED_WON' : 'CLOSED_LOST', actor, `Opportunity ${won ? 'won' : 'lost'}: ${reason}`, { reason });
      return result();
    }),
    { validator: checkClose },
  );

  // ---------------------------------------------------------------- the lifecycle
  if (resumed) {
    for (const c of s.clocks) watchClock(c, rep?.id === c.ownerId ? rep : null);
  } else if (input.adopted) {
    const a = input.adopted;
    await serialized(() => adopt(a));
    if (a.stage === 'SAL' && s.cadence.length === 0) {
      // Rerouted (or queued until a manager assigns it): the cadence follows the new owner's calendar.
      await condition(() => s.ownerId !== null || outcome !== null);
      await serialized(async () => {
        if (!rep || outcome) return;
        await adoptCadence(a, rep);
        await projectNextDue();
      });
    }
  } else if (await nurtureUntilMql()) {
    await serialized(() => route([], 'Routed'));
  }
  await inSales();

  settleClocks(ALL_KINDS, 'CANCELLED');
  await Promise.all(background);
  await quietBeforeClosing();
  const ended = outcome!;
  if (ended.kind === 'RECYCLE') {
    await continueAsNew<typeof leadWorkflow>({
      leadId,
      capturedAt: input.capturedAt,
      carried: { cycle: cycle + 1, stage: 'RECYCLED', recycleCount: s.recycleCount, reengageAfter: ended.reengageAfter, optedOut: s.optedOut },
    });
  }
  upsertSearchAttributes({ BatonStage: [s.stage] });

  /**
   * Sales has the lead (MQL, routed or queued, then worked): commands arrive as updates;
   * opt-outs, bounces and replies as events. A long-lived deal hands over to a new run
   * with its owner, clocks, cadence and touches before its history grows long.
   */
  async function inSales(): Promise<void> {
    while (!outcome) {
      await condition(() => outcome !== null || actionable.length > 0 || (historyTooLong() && idle()));
      if (outcome) return;
      if (actionable.length > 0) {
        const type = actionable.shift()!;
        await serialized(() => react(type));
        continue;
      }
      await quietBeforeClosing();
      if (actionable.length > 0 || outcome) continue;
      await continueAsNew<typeof leadWorkflow>({
        leadId,
        capturedAt: input.capturedAt,
        resumed: { state: s, rep, routedAt: routedAt?.toISOString() ?? null, definition: definition!, seq },
      });
    }
  }

  /**
   * Nurture: every wake re-evaluates the ACTIVE definition, in an activity that returns only
   * the decision, until the lead qualifies. False when the lead's lifecycle ended meanwhile
   * (an incomplete lead that opted out).
   */
  async function nurtureUntilMql(): Promise<boolean> {
    if (!carried) {
      await store.recordTransition({ leadId, stepKey: `${workflowId}/first-touch`, fromStage: null, toStage: 'FIRST_TOUCH', occurredAt: input.capturedAt, actor: SYSTEM_ACTOR, reason: 'Lead captured' });
    }
    for (;;) {
      await condition(() => nurtureWake || actionable.length > 0);
      while (actionable.length > 0) await serialized(() => react(actionable.shift()!));
      if (outcome) return false;
      if (!nurtureWake) continue;
      nurtureWake = false;
      const by = engagedBy;
      engagedBy = null;
      if ((s.stage === 'FIRST_TOUCH' || s.stage === 'RECYCLED') && by) await transition('ENGAGED', SYSTEM_ACTOR, `Engaged: ${by}`);
      const decision = await evaluate();
      if (decision?.outcome === 'MQL') {
        definition = decision.definition!; // pinned: this MQL's clocks and cadence follow the version it passed under
        s.definitionVersion = decision.definitionVersion;
        s.hot = decision.hot;
        s.demoRequest = decision.demoRequest;
        await store.projectLead({ leadId, patch: { definitionVersion: s.definitionVersion, mqlAt: nowIso(), reengageAt: null } });
        await transition('MQL', SYSTEM_ACTOR, decision.reasons.join('; ') || 'Handoff criteria met', { triggers: decision.triggerIds, score: decision.score });
        return true;
      }
      if (decision?.outcome === 'INCOMPLETE' && s.stage !== 'INCOMPLETE') {
        await transition('INCOMPLETE', SYSTEM_ACTOR, `Meets the handoff triggers but lacks: ${decision.missingFields.join(', ')}`, { missingFields: decision.missingFields });
      }
      if (historyTooLong() && actionable.length === 0) {
        // No command completes in nurture (every validator refuses it), so no answer can be aborted
        // by the hand-over: it happens at once, which keeps it ahead of a stream of events.
        await condition(allHandlersFinished);
        await continueAsNew<typeof leadWorkflow>({
          leadId,
          capturedAt: input.capturedAt,
          carried: { cycle, stage: s.stage, recycleCount: s.recycleCount, reengageAfter: s.reengageAfter, seq, optedOut: s.optedOut },
        });
      }
    }
  }

  /** One evaluation; a failure is logged and the lead waits for its next event instead of failing. */
  async function evaluate() {
    try {
      const decision = await store.evaluateHandoff({ leadId, now: nowIso(), stage: s.stage, reengageAfter: s.reengageAfter, stepKey: key(`handoff${next()}`) });
      if (decision.quarantined.length) log.warn('engagement events quarantined', { leadId, events: decision.quarantined });
      return decision;
    } catch (e) {
      log.error('handoff evaluation failed; waiting for the next event', { leadId, error: (e as Error).message });
      return null;
    }
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
    definition = await store.activeDefinition({});
    s.definitionVersion = definition.version;
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
  }

  /**
   * A SAL's cadence as it was planned at its acceptance, in the owner's calendar, with its
   * windows; the imported touches fill its steps by the same rule as `logTouch` (own
   * channel, inside the window), in the order they happened, done when logged.
   */
  async function adoptCadence(a: AdoptedLeadState, owner: AssignedRep): Promise<void> {
    s.cadence = planSteps(owner, new Date(a.acceptedAt ?? a.routedAt));
    const filledBy = fillCadence(s.cadence.map(slot), s.touches.map((t) => ({ channel: t.channel, at: new Date(t.occurredAt) })));
    filledBy.forEach((i, k) => {
      if (i < 0) return;
      s.cadence[k].doneAt = s.touches[i].loggedAt;
      s.cadence[k].touchId = s.touches[i].id;
    });
    await store.recordCadence({ leadId, cycle, steps: s.cadence });
  }
}
