import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client, WorkflowIdReusePolicy } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  Actor,
  closePhaseUpdate,
  completeMilestoneUpdate,
  ErrorCode,
  LEAD_TASK_QUEUE,
  linkStageDefinitionUpdate,
  recordReviewUpdate,
  routingDryRunUpdate,
  signOffUpdate,
  sprintStateOf,
  SprintView,
  sprintViewQuery,
  sprintWorkflowId,
  stageDefinitionActivatedSignal,
} from '../../../../libs/contracts/src';
import {
  isValidTimeZone,
  localDateOf,
  MilestoneCode,
  SprintPeople,
  SprintPhase,
  SprintRole,
  SPRINT_ROLE_PERSON,
  SPRINT_ROLES,
  sprintSchedule,
  sprintStatus,
  validateSprintInput,
  violation,
} from '../../../../libs/domain/src';
import { returnedRows } from '../../../../libs/persistence/src';
import type { Principal } from '../auth/auth.types';
import { mayGiveFeedback } from '../auth/lead-access';
import { assertUuid, badInput, domainError, forbidden, notFound } from '../common/errors';
import { checkInput } from '../common/validation.pipe';
import { toGraphQLError } from '../common/workflow-errors';
import { KpisService } from '../kpis/kpis.service';
import { ActionItemInput, StartSprintInput } from './dto/sprint.types';

/** Which app roles may hold each sprint role. */
const ROLE_ELIGIBILITY: Record<SprintRole, string[]> = {
  SPONSOR: ['EXECUTIVE'],
  SALES_LEADER: ['SALES_MANAGER', 'EXECUTIVE'],
  MARKETING_LEADER: ['MARKETING', 'EXECUTIVE'],
  REVOPS_OWNER: ['REVOPS'],
};

/**
 * The alignment sprint over GraphQL: starting one, its commands (updates of the sprint
 * workflow, whose validators apply the gates), its read model, the blueprint actions,
 * governance reviews and sales feedback.
 */
@Injectable()
export class SprintsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(Client) private readonly temporal: Client,
    private readonly kpis: KpisService,
  ) {}

  async start(p: Principal, input: StartSprintInput): Promise<string> {
    const ctx = await this.kpis.context();
    const timeZone = input.timeZone ?? ctx.timeZone;
    const people: SprintPeople = { sponsorId: input.sponsorId, salesLeaderId: input.salesLeaderId, marketingLeaderId: input.marketingLeaderId, revopsOwnerId: input.revopsOwnerId };
    const today = localDateOf(new Date(), isValidTimeZone(timeZone) ? timeZone : 'UTC');
    const violations = validateSprintInput({ name: input.name, startDate: input.startDate, timeZone, people, target: input.target }, today).map((v) =>
      v.field.startsWith('people.') ? { ...v, field: v.field.slice('people.'.length) } : v,
    );
    if (violations.length) throw badInput(violations);
    // The named people must be active users who can hold the role.
    const users = await this.db.query(`SELECT id, role, active FROM app_user WHERE id = ANY($1::uuid[])`, [Object.values(people)]);
    const roleViolations = SPRINT_ROLES.flatMap((role) => {
      const field = SPRINT_ROLE_PERSON[role];
      const user = users.find((u: { id: string }) => u.id === people[field]);
      if (!user || !user.active) return [violation(field, 'ACTIVE_USER', `no active user ${people[field]}`)];
      if (!ROLE_ELIGIBILITY[role].includes(user.role)) return [violation(field, 'ELIGIBLE_ROLE', `the ${role.toLowerCase().replace('_', ' ')} must be ${ROLE_ELIGIBILITY[role].join(' or ')}; this user is ${user.role}`)];
      return [];
    });
    if (roleViolations.length) throw badInput(roleViolations);

    const id = randomUUID();
    await this.db.query(
      `INSERT INTO sprint (id, name, start_date, time_zone, sponsor_id, sales_leader_id, marketing_leader_id, revops_owner_id, target, workflow_id, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [id, input.name.trim(), input.startDate, timeZone, people.sponsorId, people.salesLeaderId, people.marketingLeaderId, people.revopsOwnerId, JSON.stringify(input.target), sprintWorkflowId(id), p.userId],
    );
    await this.temporal.workflow.start('sprintWorkflow', {
      taskQueue: LEAD_TASK_QUEUE,
      workflowId: sprintWorkflowId(id),
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      args: [{ sprintId: id, name: input.name.trim(), startDate: input.startDate, timeZone, people, target: input.target }],
    });
    return id;
  }

  private async row(id: string): Promise<Record<string, any>> {
    assertUuid('sprintId', id);
    const [row] = await this.db.query(`SELECT * FROM sprint WHERE id = $1`, [id]);
    if (!row) throw notFound('Sprint', id);
    return row;
  }

  /** The sprint as the workflow last projected it (or, right after start, as the workflow holds it). */
  async view(id: string): Promise<SprintView> {
    const row = await this.row(id);
    if (row.state) return row.state as SprintView;
    try {
      return await this.temporal.workflow.getHandle(row.workflow_id).query(sprintViewQuery);
    } catch (e) {
      throw toGraphQLError(e);
    }
  }

  async list(status: string | null): Promise<SprintView[]> {
    const rows = await this.db.query(`SELECT id FROM sprint WHERE ($1::text IS NULL OR status = $1) ORDER BY start_date DESC, created_at DESC LIMIT 100`, [status]);
    return Promise.all(rows.map((r: { id: string }) => this.view(r.id)));
  }

  private async command(p: Principal, id: string, run: (actor: Actor, handle: ReturnType<Client['workflow']['getHandle']>) => Promise<SprintView>): Promise<SprintView> {
    const row = await this.row(id);
    if (row.status === 'FINISHED') throw domainError(ErrorCode.INVALID_TRANSITION, `The sprint "${row.name}" has finished; it takes no further commands`, { field: 'sprintId', rule: 'SPRINT_FINISHED' });
    try {
      return await run({ id: p.userId, role: p.role }, this.temporal.workflow.getHandle(row.workflow_id));
    } catch (e) {
      throw toGraphQLError(e);
    }
  }

  signOff(p: Principal, id: string, code: MilestoneCode, role: SprintRole, note: string | null) {
    return this.command(p, id, (actor, h) => h.executeUpdate(signOffUpdate, { args: [{ actor, code, role, note: note ?? undefined }] }));
  }

  completeMilestone(p: Principal, id: string, code: MilestoneCode) {
    return this.command(p, id, (actor, h) => h.executeUpdate(completeMilestoneUpdate, { args: [{ actor, code }] }));
  }

  linkStageDefinition(p: Principal, id: string, definitionId: string) {
    assertUuid('definitionId', definitionId);
    return this.command(p, id, (actor, h) => h.executeUpdate(linkStageDefinitionUpdate, { args: [{ actor, definitionId }] }));
  }

  routingDryRun(p: Principal, id: string, leadIds: string[] | null) {
    leadIds?.forEach((l, i) => assertUuid(`leadIds[${i}]`, l));
    return this.command(p, id, (actor, h) => h.executeUpdate(routingDryRunUpdate, { args: [{ actor, leadIds: leadIds ?? undefined }] }));
  }

  recordReview(p: Principal, id: string, input: { reviewId?: string | null; decisions: string[]; actionItems: { title: string; ownerId?: string | null; dueDate?: string | null }[] }) {
    const reviewId = input.reviewId ?? randomUUID();
    const actionItems = input.actionItems.map((a) => ({ title: a.title, ownerId: a.ownerId ?? null, dueDate: a.dueDate ?? null }));
    return this.command(p, id, (actor, h) => h.executeUpdate(recordReviewUpdate, { args: [{ actor, reviewId, decisions: input.decisions, actionItems }] }));
  }

  closePhase(p: Principal, id: string, phase: SprintPhase) {
    return this.command(p, id, (actor, h) => h.executeUpdate(closePhaseUpdate, { args: [{ actor, phase }] }));
  }

  /** Called when a stage definition becomes ACTIVE: the sprints whose M2 links it hear of it now. */
  async definitionActivated(definitionId: string): Promise<void> {
    const rows = await this.db.query(
      `SELECT workflow_id FROM sprint WHERE status = 'RUNNING' AND EXISTS (SELECT 1 FROM jsonb_array_elements(state->'milestones') m WHERE m->>'linkedDefinitionId' = $1)`,
      [definitionId],
    );
    for (const r of rows) {
      // Best effort: the sprint workflow re-checks linked definitions on its own too.
      await this.temporal.workflow.getHandle(r.workflow_id).signal(stageDefinitionActivatedSignal, { definitionId }).catch(() => undefined);
    }
  }

  /** RAG, progress and check-ins as of now, from the plan and the projected state. */
  status(v: SprintView) {
    const schedule = sprintSchedule(v.startDate, v.timeZone);
    return sprintStatus(sprintStateOf(v), schedule, new Date());
  }

  async blueprint(sprintIds: readonly string[]): Promise<Record<string, any>[][]> {
    const rows = await this.db.query(`SELECT *, due_date::text AS due FROM blueprint_action WHERE sprint_id = ANY($1::uuid[]) ORDER BY rank`, [sprintIds]);
    return sprintIds.map((id) => rows.filter((r: { sprint_id: string }) => r.sprint_id === id));
  }

  async updateBlueprintAction(p: Principal, id: string, status: string, note: string | null) {
    assertUuid('id', id);
    const [action] = await this.db.query(`SELECT * FROM blueprint_action WHERE id = $1`, [id]);
    if (!action) throw notFound('Blueprint action', id);
    if (!['REVOPS', 'ADMIN'].includes(p.role) && action.owner_id !== p.userId) throw forbidden('Only the action\'s owner or RevOps may update it');
    if (note !== null && note.length > 2000) throw badInput([violation('note', 'LENGTH', 'at most 2000 characters')]);
    const [row] = returnedRows(await this.db.query(
      `UPDATE blueprint_action SET status = $2, note = COALESCE($3, note),
         done_at = CASE WHEN $2 = 'DONE' THEN COALESCE(done_at, now()) ELSE NULL END,
         done_by = CASE WHEN $2 = 'DONE' THEN COALESCE(done_by, $4::uuid) ELSE NULL END
       WHERE id = $1 RETURNING *, due_date::text AS due`,
      [id, status, note, p.userId],
    ));
    return row;
  }

  // ------------------------------------------------------------------ governance & feedback
  async governanceReviews(sprintId: string | null, limit: number) {
    if (sprintId) assertUuid('sprintId', sprintId);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw badInput([violation('limit', 'RANGE', 'must be an integer from 1 to 200')]);
    return this.db.query(`SELECT * FROM governance_review WHERE ($1::uuid IS NULL OR sprint_id = $1) ORDER BY held_at DESC LIMIT $2`, [sprintId, limit]);
  }

  async recordGovernanceDecisions(p: Principal, reviewId: string, decisions: string[], actionItems: { title: string; ownerId?: string | null; dueDate?: string | null }[]) {
    assertUuid('reviewId', reviewId);
    if (decisions.length === 0 || decisions.some((d) => d.trim().length === 0 || d.length > 2000)) throw badInput([violation('decisions', 'NON_EMPTY', 'at least one decision, each 1-2000 characters')]);
    // A list argument is not transformed into its DTOs: each item gets the DTO's rules here.
    const items = await Promise.all(actionItems.map((a, i) => checkInput(ActionItemInput, a, `actionItems[${i}]`)));
    const wrong = items.flatMap((c) => c.violations);
    if (wrong.length) throw badInput(wrong);
    const [row] = returnedRows(await this.db.query(
      `UPDATE governance_review SET decisions = decisions || $2::jsonb, action_items = action_items || $3::jsonb WHERE id = $1 RETURNING *`,
      [reviewId, JSON.stringify(decisions), JSON.stringify(actionItems.map((a) => ({ title: a.title, ownerId: a.ownerId ?? null, dueDate: a.dueDate ?? null, by: p.userId })))],
    ));
    if (!row) throw notFound('Governance review', reviewId);
    return row;
  }

  async recordSalesFeedback(p: Principal, input: { kind: string; code: string; detail?: string | null; leadId?: string | null; opportunityId?: string | null; idempotencyKey: string }) {
    const code = input.code.trim().toUpperCase();
    if (!/^[A-Z0-9_]{1,60}$/.test(code)) throw badInput([violation('code', 'CODE', 'letters, digits and underscores, e.g. PRICE or WRONG_PERSONA')]);
    await this.assertFeedbackSubject(p, input);
    try {
      await this.db.query(
        `INSERT INTO sales_feedback (idempotency_key, kind, lead_id, opportunity_id, code, detail, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING`,
        [input.idempotencyKey, input.kind, input.leadId ?? null, input.opportunityId ?? null, code, input.detail ?? null, p.userId],
      );
    } catch (e) {
      if ((e as { code?: string }).code === '23503') throw badInput([violation(input.leadId ? 'leadId' : 'opportunityId', 'EXISTS', 'no such lead or opportunity')]);
      throw e;
    }
    const [row] = await this.db.query(`SELECT * FROM sales_feedback WHERE idempotency_key = $1`, [input.idempotencyKey]);
    if (row.recorded_by !== p.userId || row.kind !== input.kind || row.code !== code) throw domainError(ErrorCode.CONFLICT, 'idempotencyKey was already used for different feedback', { field: 'idempotencyKey' });
    return row;
  }

  /** Feedback names a lead (or its opportunity) the caller owns or owned, or may see; any other is NOT_FOUND, like an unknown one. */
  private async assertFeedbackSubject(p: Principal, input: { leadId?: string | null; opportunityId?: string | null }): Promise<void> {
    if (input.leadId) {
      assertUuid('leadId', input.leadId);
      if (!(await mayGiveFeedback(this.db, p, input.leadId))) throw notFound('Lead', input.leadId);
    }
    if (input.opportunityId) {
      assertUuid('opportunityId', input.opportunityId);
      const [o] = await this.db.query('SELECT lead_id FROM opportunity WHERE id = $1', [input.opportunityId]);
      if (!o || !(await mayGiveFeedback(this.db, p, o.lead_id))) throw notFound('Opportunity', input.opportunityId);
    }
  }

  async salesFeedbackReport(period: { from: string; to: string }) {
    const { period: w } = await this.kpis.period(period);
    const [feedback, reasons, latest] = await Promise.all([
      this.db.query(`SELECT kind, code, count(*) AS n FROM sales_feedback WHERE recorded_at >= $1 AND recorded_at < $2 GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2`, [w.start, w.end]),
      this.db.query(`SELECT status AS kind, COALESCE(close_reason, 'UNSPECIFIED') AS code, count(*) AS n FROM opportunity WHERE status IN ('WON','LOST') AND closed_at >= $1 AND closed_at < $2 GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2`, [w.start, w.end]),
      this.db.query(`SELECT * FROM sales_feedback WHERE recorded_at >= $1 AND recorded_at < $2 ORDER BY recorded_at DESC LIMIT 50`, [w.start, w.end]),
    ]);
    const counts = (rows: Record<string, any>[]) => rows.map((r) => ({ kind: r.kind, code: r.code, count: Number(r.n) }));
    return { from: w.from, to: w.to, feedback: counts(feedback), closeReasons: counts(reasons), latest };
  }
}
