import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client, WorkflowIdReusePolicy } from '@temporalio/client';
import { DataSource } from 'typeorm';
import {
  approveStageDefinitionUpdate,
  ErrorCode,
  LEAD_TASK_QUEUE,
  requestStageDefinitionChangesUpdate,
  StageDefinitionApprovalInput,
  stageDefinitionWorkflowId,
} from '../../../../libs/contracts/src';
import { diffStageDefinitions, EngagementType, simulateDefinitions, SimLead, sizeBandOf, StageDefinitionContent, validateStageDefinition } from '../../../../libs/domain/src';
import { StageDefinitionApprovalEntity, StageDefinitionEntity, UserEntity } from '../../../../libs/persistence/src';
import type { Principal } from '../auth/auth.types';
import { assertUuid, badInput, domainError, notFound } from '../common/errors';
import { toGraphQLError } from '../common/workflow-errors';
import { SprintsService } from '../sprints/sprints.service';

/**
 * Versioned handoff contracts: drafts are edited by RevOps or marketing ops, validated as a
 * whole, proposed to the required approvers through the approval workflow, and become
 * ACTIVE only when the workflow activates them.
 */
@Injectable()
export class StageDefinitionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(Client) private readonly temporal: Client,
    private readonly sprints: SprintsService,
  ) {}

  list(): Promise<StageDefinitionEntity[]> {
    return this.db.getRepository(StageDefinitionEntity).find({ order: { version: 'DESC' } });
  }

  async get(id: string): Promise<StageDefinitionEntity> {
    assertUuid('id', id);
    const d = await this.db.getRepository(StageDefinitionEntity).findOneBy({ id });
    if (!d) throw notFound('Stage definition', id);
    return d;
  }

  async active(): Promise<StageDefinitionEntity> {
    const d = await this.db.getRepository(StageDefinitionEntity).findOneBy({ status: 'ACTIVE' });
    if (!d) throw notFound('Stage definition', 'ACTIVE');
    return d;
  }

  private validate(content: unknown): StageDefinitionContent {
    if (!content || typeof content !== 'object' || Array.isArray(content)) throw badInput([{ field: 'content', rule: 'object', message: 'must be a stage definition object' }]);
    let violations;
    try {
      violations = validateStageDefinition(content as StageDefinitionContent);
    } catch (e) {
      throw badInput([{ field: 'content', rule: 'shape', message: `is not a complete stage definition (${(e as Error).message})` }]);
    }
    if (violations.length) throw badInput(violations.map((v) => ({ ...v, field: `content.${v.field}` })));
    return content as StageDefinitionContent;
  }

  async createDraft(principal: Principal, basedOnVersion: number | undefined, content: unknown): Promise<StageDefinitionEntity> {
    const repo = this.db.getRepository(StageDefinitionEntity);
    const base = basedOnVersion ? await repo.findOneBy({ version: basedOnVersion }) : await this.active();
    if (!base) throw badInput([{ field: 'basedOnVersion', rule: 'exists', message: `no version ${basedOnVersion}` }]);
    const validated = content === undefined || content === null ? base.content : this.validate(content);
    return this.db.transaction(async (tx) => {
      await tx.query('LOCK TABLE stage_definition IN SHARE ROW EXCLUSIVE MODE');
      const [{ next }] = await tx.query('SELECT coalesce(max(version), 0) + 1 AS next FROM stage_definition');
      const r = tx.getRepository(StageDefinitionEntity);
      return r.save(r.create({ version: Number(next), status: 'DRAFT', content: validated, createdBy: principal.userId, basedOnVersion: base.version }));
    });
  }

  async updateDraft(id: string, content: unknown): Promise<StageDefinitionEntity> {
    const d = await this.get(id);
    if (d.status !== 'DRAFT') throw domainError(ErrorCode.INVALID_TRANSITION, `Version ${d.version} is ${d.status}: only drafts can be edited (create a new draft based on it)`);
    const validated = this.validate(content);
    await this.db.getRepository(StageDefinitionEntity).update({ id, status: 'DRAFT' }, { content: validated });
    return this.get(id);
  }

  async propose(principal: Principal, id: string, approverIds: string[] | undefined, deadlineDays: number, reminderEveryHours: number): Promise<StageDefinitionEntity> {
    const d = await this.get(id);
    if (d.status !== 'DRAFT') throw domainError(ErrorCode.INVALID_TRANSITION, `Version ${d.version} is ${d.status}: only a draft can be proposed`);
    this.validate(d.content);
    const users = this.db.getRepository(UserEntity);
    const approvers = approverIds?.length ? [...new Set(approverIds)] : (await users.find({ where: { role: 'EXECUTIVE', active: true }, order: { email: 'ASC' } })).map((u) => u.id);
    if (!approvers.length) throw badInput([{ field: 'approverIds', rule: 'required', message: 'no required approvers: name them or create EXECUTIVE users' }]);
    const found = await users.find({ where: approvers.map((aid) => ({ id: aid, active: true })) });
    const missing = approvers.filter((aid) => !found.some((u) => u.id === aid));
    if (missing.length) throw badInput(missing.map((m) => ({ field: `approverIds[${approvers.indexOf(m)}]`, rule: 'activeUser', message: `no active user ${m}` })));
    const now = new Date();
    const deadline = new Date(now.getTime() + deadlineDays * 86_400_000);
    const updated = await this.db.getRepository(StageDefinitionEntity).update({ id, status: 'DRAFT' }, { status: 'PROPOSED', proposedBy: principal.userId, proposedAt: now, approverIds: approvers, deadline });
    if (!updated.affected) throw domainError(ErrorCode.CONFLICT, 'The draft was proposed concurrently');
    const input: StageDefinitionApprovalInput = { definitionId: id, version: d.version, approverIds: approvers, deadline: deadline.toISOString(), reminderEveryHours };
    try {
      await this.temporal.workflow.start('stageDefinitionApprovalWorkflow', {
        taskQueue: LEAD_TASK_QUEUE,
        workflowId: stageDefinitionWorkflowId(id),
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        searchAttributes: { BatonKind: ['stage-definition'], BatonStage: ['PROPOSED'] },
      });
    } catch (e) {
      await this.db.getRepository(StageDefinitionEntity).update({ id, status: 'PROPOSED' }, { status: 'DRAFT', proposedBy: null, proposedAt: null, approverIds: null, deadline: null });
      throw domainError(ErrorCode.UNAVAILABLE, `The approval workflow could not be started: ${(e as Error).message}`);
    }
    return this.get(id);
  }

  async decide(principal: Principal, id: string, approve: boolean, comment: string): Promise<StageDefinitionEntity> {
    const d = await this.get(id);
    if (d.status !== 'PROPOSED') throw domainError(ErrorCode.INVALID_TRANSITION, `Version ${d.version} is ${d.status}; it takes no decisions`);
    const handle = this.temporal.workflow.getHandle(stageDefinitionWorkflowId(id));
    try {
      await handle.executeUpdate(approve ? approveStageDefinitionUpdate : requestStageDefinitionChangesUpdate, { args: [{ actor: { id: principal.userId, role: principal.role }, comment }] });
    } catch (e) {
      throw toGraphQLError(e);
    }
    // The workflow activates (or closes) right after a deciding update (a request for changes,
    // the last approval): the answer is read once it has, waiting for it briefly.
    for (let i = 0; i < 50; i++) {
      const now = await this.get(id);
      if (now.status === 'ACTIVE') await this.sprints.definitionActivated(id);
      if (now.status !== 'PROPOSED') return now;
      if (approve && !(await this.allApproved(now))) return now;
      await new Promise((r) => setTimeout(r, 100));
    }
    return this.get(id);
  }

  private async allApproved(d: StageDefinitionEntity): Promise<boolean> {
    const [approvals] = await this.approvals([d.id]);
    return approvals.filter((a) => a.decision === 'APPROVED').length >= (d.approverIds?.length ?? 0);
  }

  async approvals(ids: readonly string[]): Promise<StageDefinitionApprovalEntity[][]> {
    const rows = await this.db.getRepository(StageDefinitionApprovalEntity).find({ where: ids.map((definitionId) => ({ definitionId })), order: { decidedAt: 'ASC' } });
    return ids.map((id) => rows.filter((r) => r.definitionId === id));
  }

  async diffFromActive(d: StageDefinitionEntity) {
    const active = await this.active();
    return diffStageDefinitions(active.content, d.content);
  }

  /** What-if: the draft and the active version replayed over the last `days` of stored engagement. */
  async simulate(id: string, days: number) {
    if (!Number.isInteger(days) || days < 1 || days > 365) throw badInput([{ field: 'days', rule: 'range', message: 'must be an integer from 1 to 365' }]);
    const draft = await this.get(id);
    const active = await this.active();
    const now = new Date();
    const since = new Date(now.getTime() - days * 86_400_000);
    const t0 = performance.now();
    const rows: { lead_id: string; source: string; industry: string | null; company_size: number | null; country: string | null; title: string | null; buying_role: string | null; decision: string | null; events: { id: string; type: string; occurredAt: string; content: string | null }[] }[] = await this.db.query(
      `SELECT l.id AS lead_id, l.source, l.industry, l.company_size, l.country, l.title, l.buying_role,
              (SELECT CASE WHEN bool_or(t.to_stage = 'SAL') THEN 'ACCEPTED' WHEN bool_or(t.to_stage = 'REJECTED') THEN 'REJECTED' END
                 FROM stage_transition t WHERE t.lead_id = l.id) AS decision,
              json_agg(json_build_object('id', e.id, 'type', e.type, 'occurredAt', to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'content', coalesce(e.content_title, e.url)) ORDER BY e.occurred_at) AS events
         FROM lead l JOIN engagement_event e ON e.lead_id = l.id
        WHERE l.id IN (SELECT DISTINCT lead_id FROM engagement_event WHERE occurred_at >= $1 AND occurred_at <= $2)
        GROUP BY l.id`,
      [since, now],
    );
    const leads: SimLead[] = rows.map((r) => ({
      leadId: r.lead_id,
      source: r.source,
      segment: sizeBandOf(r.company_size ?? undefined, draft.content.icp.sizeBands) ?? 'unknown',
      profile: { industry: r.industry ?? undefined, companySize: r.company_size ?? undefined, country: r.country ?? undefined, title: r.title ?? undefined, buyingRole: r.buying_role ?? undefined, source: r.source },
      events: r.events.map((e) => ({ id: e.id, type: e.type as EngagementType, occurredAt: e.occurredAt, content: e.content ?? undefined })),
      salesDecision: (r.decision ?? undefined) as SimLead['salesDecision'],
    }));
    const result = simulateDefinitions({ leads, draft: draft.content, active: active.content, now, days });
    return { days, ...result, elapsedMs: Math.round(performance.now() - t0) };
  }
}
