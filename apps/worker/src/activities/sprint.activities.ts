import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import { DataSource } from 'typeorm';
import {
  GOVERNANCE_KINDS,
  GOVERNANCE_REVIEW_WORKFLOW_TYPE,
  GovernanceActivities,
  GovernanceKind,
  governanceScheduleId,
  LEAD_TASK_QUEUE,
  RoutingDryRunSample,
  SprintActivities,
  SprintReviewView,
  SprintSnapshotResult,
  SprintView,
} from '../../../../libs/contracts/src';
import { addLocalDays, localDateOf } from '../../../../libs/domain/src';
import type { Leak } from '../../../../libs/domain/src/kpi/leaks';
import type { BlueprintAction } from '../../../../libs/domain/src/sprint/outcome';
import { LeadEntity } from '../../../../libs/persistence/src';
import { leakReport, loadKpiContext, resolvePeriod, takeKpiSnapshot } from '../../../../libs/persistence/src/kpi/kpi-engine';
import { rejectionMix } from '../../../../libs/persistence/src/kpi/kpi-reports';
import { decideRouting } from '../../../../libs/persistence/src/routing/routing-input.loader';
import { FailFastOnNotFound } from './deterministic-failures';

/** The Temporal client the worker's activities use to manage schedules. */
export const WORKER_TEMPORAL_CLIENT = Symbol('WORKER_TEMPORAL_CLIENT');

/** What each governance review looks back over, in local days ending yesterday. */
const GOVERNANCE_WINDOW_DAYS: Record<GovernanceKind, number> = { WEEKLY_OPERATING: 7, MONTHLY_PROCESS: 30, QUARTERLY_MODEL_RESET: 90 };

/** Activities of the alignment sprint and its governance reviews (docs/sprint.md). */
@Injectable()
@FailFastOnNotFound()
export class SprintActivitiesImpl implements SprintActivities, GovernanceActivities {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(WORKER_TEMPORAL_CLIENT) private readonly temporal: Client,
  ) {}

  async takeSprintSnapshot(input: { sprintId: string; trigger: 'SPRINT_BASELINE' | 'SPRINT_OUTCOME' | 'REVIEW'; from: string; to: string; asOf: string; dedupeKey: string }): Promise<SprintSnapshotResult> {
    const s = await takeKpiSnapshot(this.db, { period: { from: input.from, to: input.to }, asOf: new Date(input.asOf), trigger: input.trigger, takenBy: `sprint:${input.sprintId}`, dedupeKey: input.dedupeKey });
    return { snapshotId: s.id, measures: s.measures.filter((m) => m.breakdown === 'NONE').map((m) => ({ kpi: m.kpi, value: m.value })) };
  }

  async stageDefinitionStatus({ definitionId }: { definitionId: string }) {
    const [row] = await this.db.query(`SELECT status, version, activated_at FROM stage_definition WHERE id = $1`, [definitionId]);
    return row ? { status: row.status as string, version: Number(row.version), activatedAt: row.activated_at ? new Date(row.activated_at).toISOString() : null } : null;
  }

  async routingDryRun(input: { leadIds?: string[]; sampleSize: number; at: string }): Promise<RoutingDryRunSample[]> {
    const repo = this.db.getRepository(LeadEntity);
    const leads = input.leadIds?.length
      ? await repo.createQueryBuilder('l').where('l.id IN (:...ids)', { ids: input.leadIds }).getMany()
      : await repo.createQueryBuilder('l').where('l.mql_at IS NOT NULL').orderBy('l.mql_at', 'DESC').limit(input.sampleSize).getMany();
    const at = new Date(input.at);
    const samples: RoutingDryRunSample[] = [];
    // Decided as routing would decide now, without locks and without writing anything.
    for (const lead of leads) {
      const { decision } = await decideRouting(this.db.manager, lead, { at, hot: lead.hot, lockPools: false });
      samples.push({ leadId: lead.id, repId: decision.repId ?? null, queue: decision.repId ? null : (decision.queue ?? null), ruleId: decision.ruleId ?? null });
    }
    return samples;
  }

  async targetsStatus({ months }: { months: string[] }) {
    const [targets, revenue] = await Promise.all([
      this.db.query(`SELECT kpi FROM kpi_target ORDER BY kpi`),
      this.db.query(`SELECT month FROM revenue_target WHERE month = ANY($1::text[])`, [months]),
    ]);
    const have = new Set(revenue.map((r: { month: string }) => r.month));
    return { kpiTargets: targets.map((t: { kpi: string }) => t.kpi), missingRevenueMonths: months.filter((m) => !have.has(m)) };
  }

  async sprintLeaks({ from, to, asOf }: { from: string; to: string; asOf: string }): Promise<Leak[]> {
    const ctx = await loadKpiContext(this.db);
    return leakReport(this.db, ctx, resolvePeriod({ from, to }, ctx.timeZone, new Date(asOf)));
  }

  async projectSprint({ view }: { view: SprintView }): Promise<void> {
    // The highest revision wins: a retried or overtaken write of an older view changes nothing.
    await this.db.query(`UPDATE sprint SET state = $2, revision = $3, status = $4 WHERE id = $1 AND revision < $3`, [view.sprintId, JSON.stringify(view), view.revision, view.status]);
  }

  async recordSprintReview({ sprintId, review }: { sprintId: string; review: SprintReviewView }): Promise<void> {
    await this.db.query(
      `INSERT INTO governance_review (dedupe_key, sprint_id, kind, held_at, snapshot_id, decisions, action_items, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (dedupe_key) DO NOTHING`,
      [`sprint/${sprintId}/${review.id}`, sprintId, review.kind, review.at, review.snapshotId, JSON.stringify(review.decisions), JSON.stringify(review.actionItems), review.recordedBy],
    );
  }

  async recordBlueprint({ sprintId, actions }: { sprintId: string; actions: BlueprintAction[] }): Promise<void> {
    for (const a of actions) {
      await this.db.query(
        `INSERT INTO blueprint_action (sprint_id, leak_id, rank, title, owner_role, owner_id, sla_days, due_date, priority, expected_impact)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (sprint_id, leak_id) DO NOTHING`,
        [sprintId, a.leakId, a.rank, a.title, a.ownerRole, a.ownerId, a.slaDays, a.dueDate, a.priority, a.expectedImpact],
      );
    }
  }

  async notifySprint(input: { dedupeKey: string; recipientId: string; kind: string; payload: Record<string, unknown> }): Promise<void> {
    await this.db.query(
      `INSERT INTO notification (dedupe_key, recipient_id, kind, payload) VALUES ($1, $2, $3, $4) ON CONFLICT (dedupe_key) DO NOTHING`,
      [input.dedupeKey, input.recipientId, input.kind, JSON.stringify(input.payload)],
    );
  }

  async ensureGovernanceSchedules({ sprintId, timeZone }: { sprintId: string; timeZone: string }): Promise<string[]> {
    // Weekly operating review Monday 08:00, monthly process review on the 1st 09:00, quarterly model reset on the 1st of each quarter 10:00; sprint's time zone.
    const specs: Record<GovernanceKind, object> = {
      WEEKLY_OPERATING: { calendars: [{ dayOfWeek: 'MONDAY', hour: 8 }] },
      MONTHLY_PROCESS: { calendars: [{ dayOfMonth: 1, hour: 9 }] },
      QUARTERLY_MODEL_RESET: { calendars: [{ month: ['JANUARY', 'APRIL', 'JULY', 'OCTOBER'], dayOfMonth: 1, hour: 10 }] },
    };
    const created: string[] = [];
    for (const kind of GOVERNANCE_KINDS) {
      const scheduleId = governanceScheduleId(sprintId, kind);
      try {
        await this.temporal.schedule.create({
          scheduleId,
          spec: { ...specs[kind], timezone: timeZone },
          action: { type: 'startWorkflow', workflowType: GOVERNANCE_REVIEW_WORKFLOW_TYPE, taskQueue: LEAD_TASK_QUEUE, args: [{ sprintId, kind }] },
          policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
        });
        created.push(scheduleId);
      } catch (e) {
        if (!(e instanceof ScheduleAlreadyRunning)) throw e;
      }
    }
    return created;
  }

  async holdGovernanceReview({ sprintId, kind, at }: { sprintId: string; kind: GovernanceKind; at: string }): Promise<{ reviewId: string }> {
    const ctx = await loadKpiContext(this.db);
    const today = localDateOf(new Date(at), ctx.timeZone);
    const to = addLocalDays(today, -1);
    const from = addLocalDays(to, -(GOVERNANCE_WINDOW_DAYS[kind] - 1));
    const dedupeKey = `governance/${sprintId}/${kind}/${today}`;
    const snapshot = await takeKpiSnapshot(this.db, { period: { from, to }, asOf: new Date(at), trigger: 'REVIEW', takenBy: `governance:${kind}`, dedupeKey });
    const period = resolvePeriod({ from, to }, ctx.timeZone, new Date(at));
    // What the review is for (brief §7): conversion drops, slow velocity and its causes; monthly adds rejects, routing and field compliance.
    const leaks = await leakReport(this.db, ctx, period);
    const findings: unknown[] = leaks.map((l) => ({ type: 'LEAK', id: l.id, severity: l.severity, action: l.suggestedAction, ownerRole: l.ownerRole }));
    if (kind !== 'WEEKLY_OPERATING') {
      const mix = await rejectionMix(this.db, period);
      findings.push(...mix.map((m) => ({ type: m.kind, code: m.code, count: m.count, previousCount: m.previousCount })));
      const [queued] = await this.db.query(`SELECT count(*) AS n FROM routing_decision WHERE rep_id IS NULL AND decided_at >= $1 AND decided_at < $2`, [period.start, period.end]);
      findings.push({ type: 'ROUTING', unroutedDecisions: Number(queued.n) });
    }
    const [row] = await this.db.query(
      `INSERT INTO governance_review (dedupe_key, sprint_id, kind, held_at, snapshot_id, findings, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, 'schedule')
       ON CONFLICT (dedupe_key) DO UPDATE SET dedupe_key = EXCLUDED.dedupe_key RETURNING id`,
      [dedupeKey, sprintId, kind, at, snapshot.id, JSON.stringify(findings)],
    );
    return { reviewId: row.id };
  }
}
