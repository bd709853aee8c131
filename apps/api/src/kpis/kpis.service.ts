import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ErrorCode, FieldViolation } from '../../../../libs/contracts/src';
import {
  ATTRIBUTION_MODELS,
  AttributionModel,
  canChangeModel,
  DomainRuleError,
  isValidTimeZone,
  KPI_CATALOG,
  KpiBreakdown,
  KpiKey,
  KpiMeasure,
  violation,
} from '../../../../libs/domain/src';
import { kpiStack } from '../../../../libs/domain/src/kpi/kpi-stack';
import type { Leak } from '../../../../libs/domain/src/kpi/leaks';
import { resolveKpiTarget, validateRevenueTarget } from '../../../../libs/domain/src/kpi/target-rules';
import {
  assertBreakdown,
  getKpiSnapshot,
  leakReport,
  KpiContext,
  KpiSnapshotRecord,
  listKpiSnapshots,
  loadKpiContext,
  measureKpis,
  ResolvedPeriod,
  resolvePeriod,
  scorecard,
  Scorecard,
  SnapshotTrigger,
  takeKpiSnapshot,
} from '../../../../libs/persistence/src/kpi/kpi-engine';
import { attribution, AttributionRow, funnel, FunnelRow, leadAging, LeadAgingReport, OutcomeMixRow, rejectionMix } from '../../../../libs/persistence/src/kpi/kpi-reports';
import type { Principal } from '../auth/auth.types';
import { badInput, domainError } from '../common/errors';

export interface PeriodArgs {
  from: string;
  to: string;
}

export interface AttributionChoice {
  from: string;
  to: string;
  model: AttributionModel;
  locksAt: Date;
  locked: boolean;
  chosenBy: string;
  chosenAt: Date;
}

/** Domain rule errors become typed GraphQL errors naming the field; anything else propagates. */
async function typed<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof DomainRuleError) throw e.violations.length ? badInput([...e.violations]) : domainError(ErrorCode.BAD_USER_INPUT, e.message);
    throw e;
  }
}

/** Local dates come back as text: a `date` parsed into a JS Date would shift with the server's zone. */
const CHOICE_COLUMNS = `*, period_from::text AS from_date, period_to::text AS to_date`;

/**
 * The shared KPIs over GraphQL: one reporting time zone, one set of definitions
 * (docs/kpis.md), computed in the database by libs/persistence/src/kpi.
 */
@Injectable()
export class KpisService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  context(): Promise<KpiContext> {
    return loadKpiContext(this.db);
  }

  async period(input: PeriodArgs, asOf?: Date | null): Promise<{ ctx: KpiContext; period: ResolvedPeriod }> {
    const ctx = await this.context();
    const period = await typed(async () => resolvePeriod(input, ctx.timeZone, asOf ?? new Date()));
    return { ctx, period };
  }

  // ------------------------------------------------------------------ settings & targets
  async settings(): Promise<{ reportingTimeZone: string; currency: string }> {
    const ctx = await this.context();
    return { reportingTimeZone: ctx.timeZone, currency: ctx.currency };
  }

  async setSettings(p: Principal, input: { reportingTimeZone?: string | null; currency?: string | null }): Promise<{ reportingTimeZone: string; currency: string }> {
    const violations: FieldViolation[] = [];
    if (input.reportingTimeZone != null && !isValidTimeZone(input.reportingTimeZone)) {
      violations.push(violation('reportingTimeZone', 'IANA_TIME_ZONE', `unknown IANA time zone '${input.reportingTimeZone}'`));
    }
    if (input.currency != null && !/^[A-Z]{3}$/.test(input.currency)) violations.push(violation('currency', 'ISO_4217', 'must be a three-letter currency code'));
    if (violations.length) throw badInput(violations);
    await this.db.query(
      `UPDATE organisation_settings SET reporting_time_zone = COALESCE($1, reporting_time_zone), currency = COALESCE($2, currency), updated_by = $3, updated_at = now() WHERE id = 1`,
      [input.reportingTimeZone ?? null, input.currency ?? null, p.userId],
    );
    return this.settings();
  }

  async targets(): Promise<Array<{ kpi: KpiKey; target: number; direction: string; amberBand: number; setBy: string }>> {
    const ctx = await this.context();
    return Object.entries(ctx.targets)
      .filter(([, t]) => t !== null)
      .map(([kpi, t]) => ({ kpi: kpi as KpiKey, ...t! }));
  }

  async setTarget(p: Principal, input: { kpi: string; target: number; direction?: string | null; amberBand?: number | null }) {
    const t = await typed(async () => resolveKpiTarget(input));
    await this.db.query(
      `INSERT INTO kpi_target (kpi, target, direction, amber_band, updated_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (kpi) DO UPDATE SET target = EXCLUDED.target, direction = EXCLUDED.direction, amber_band = EXCLUDED.amber_band, updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [t.kpi, t.target, t.direction, t.amberBand, p.userId],
    );
    return { kpi: t.kpi, target: t.target, direction: t.direction, amberBand: t.amberBand, setBy: p.userId };
  }

  async revenueTargets(): Promise<Array<{ month: string; amount: number; setBy: string }>> {
    const rows = await this.db.query(`SELECT month, amount, updated_by FROM revenue_target ORDER BY month`);
    return rows.map((r: any) => ({ month: r.month, amount: Number(r.amount), setBy: r.updated_by }));
  }

  async setRevenueTarget(p: Principal, input: { month: string; amount: number }) {
    const violations = validateRevenueTarget(input);
    if (violations.length) throw badInput(violations);
    await this.db.query(
      `INSERT INTO revenue_target (month, amount, updated_by) VALUES ($1, $2, $3)
       ON CONFLICT (month) DO UPDATE SET amount = EXCLUDED.amount, updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [input.month, input.amount, p.userId],
    );
    return { month: input.month, amount: input.amount, setBy: p.userId };
  }

  // ------------------------------------------------------------------ KPIs
  async kpis(input: PeriodArgs, breakdown: KpiBreakdown, kpis: KpiKey[] | null, asOf?: Date | null): Promise<{ period: ResolvedPeriod; breakdown: KpiBreakdown; measures: KpiMeasure[] }> {
    const { ctx, period } = await this.period(input, asOf);
    if (kpis?.length) await typed(async () => kpis.forEach((k) => assertBreakdown(k, breakdown)));
    else if (!Object.values(KPI_CATALOG).some((s) => s.breakdowns.includes(breakdown))) {
      throw badInput([violation('breakdown', 'SUPPORTED_BREAKDOWN', `no KPI supports ${breakdown}`)]);
    }
    return { period, breakdown, measures: await measureKpis(this.db, ctx, period, breakdown, kpis?.length ? kpis : undefined) };
  }

  async scorecard(input: PeriodArgs, asOf?: Date | null): Promise<Scorecard> {
    const { ctx, period } = await this.period(input, asOf);
    return scorecard(this.db, ctx, period);
  }

  /** One compliance KPI in total and per group (per kind / per rep). */
  async compliance(kpi: KpiKey, input: PeriodArgs, breakdown: KpiBreakdown, asOf?: Date | null) {
    const { ctx, period } = await this.period(input, asOf);
    await typed(async () => assertBreakdown(kpi, breakdown));
    const [total, groups] = await Promise.all([measureKpis(this.db, ctx, period, 'NONE', [kpi]), measureKpis(this.db, ctx, period, breakdown, [kpi])]);
    return { period, total, groups };
  }

  async followUpCompliance(input: PeriodArgs, breakdown: KpiBreakdown, asOf?: Date | null) {
    const { ctx, period } = await this.period(input, asOf);
    const kpis: KpiKey[] = ['FOLLOW_UP_COMPLIANCE_LEADS', 'FOLLOW_UP_COMPLIANCE_STEPS'];
    await typed(async () => kpis.forEach((k) => assertBreakdown(k, breakdown)));
    const [total, groups] = await Promise.all([measureKpis(this.db, ctx, period, 'NONE', kpis), measureKpis(this.db, ctx, period, breakdown, kpis)]);
    return { period, total, groups };
  }

  async funnel(input: PeriodArgs, asOf?: Date | null): Promise<{ period: ResolvedPeriod; stages: FunnelRow[] }> {
    const { period } = await this.period(input, asOf);
    return { period, stages: await funnel(this.db, period) };
  }

  async leadAging(asOf?: Date | null): Promise<LeadAgingReport> {
    const at = asOf ?? new Date();
    if (Number.isNaN(at.getTime())) throw badInput([violation('asOf', 'INSTANT', 'asOf must be a valid instant')]);
    return leadAging(this.db, at);
  }

  async rejectionMix(input: PeriodArgs, asOf?: Date | null): Promise<{ period: ResolvedPeriod; rows: Array<OutcomeMixRow & { change: number }> }> {
    const { period } = await this.period(input, asOf);
    const rows = await rejectionMix(this.db, period);
    return { period, rows: rows.map((r) => ({ ...r, change: r.count - r.previousCount })) };
  }

  // ------------------------------------------------------------------ attribution
  async attribution(input: PeriodArgs, asOf?: Date | null) {
    const { period } = await this.period(input, asOf);
    const [rows, chosen] = await Promise.all([attribution(this.db, period), this.choiceCovering(period.from)]);
    const totals = (keyOf: (r: AttributionRow) => string) => {
      const map = new Map<string, { model: string; measure: string; key: string; cents: number; share: number }>();
      for (const r of rows) {
        const key = keyOf(r);
        const id = `${r.model}|${r.measure}|${key}`;
        const t = map.get(id) ?? { model: r.model, measure: r.measure, key, cents: 0, share: 0 };
        t.cents += Math.round(r.amount * 100);
        t.share += r.share;
        map.set(id, t);
      }
      return [...map.values()].map(({ cents, ...t }) => ({ ...t, amount: cents / 100 }));
    };
    return { period, chosen, rows, byChannel: totals((r) => r.channel), byCampaign: totals((r) => r.campaign ?? 'none') };
  }

  private toChoice(r: any): AttributionChoice {
    const locksAt = new Date(r.locks_at);
    return { from: r.from_date, to: r.to_date, model: r.model, locksAt, locked: Date.now() >= locksAt.getTime(), chosenBy: r.chosen_by, chosenAt: new Date(r.chosen_at) };
  }

  async choiceCovering(localDate: string): Promise<AttributionChoice | null> {
    const [r] = await this.db.query(`SELECT ${CHOICE_COLUMNS} FROM attribution_model_choice WHERE period_from <= $1::date AND period_to >= $1::date`, [localDate]);
    return r ? this.toChoice(r) : null;
  }

  async attributionChoices(): Promise<AttributionChoice[]> {
    const rows = await this.db.query(`SELECT ${CHOICE_COLUMNS} FROM attribution_model_choice ORDER BY period_from DESC`);
    return rows.map((r: any) => this.toChoice(r));
  }

  /**
   * The model of a period, chosen before the period starts; from its first instant (in the
   * reporting time zone) the choice is locked and a change is refused.
   */
  async chooseAttributionModel(p: Principal, input: PeriodArgs, model: string): Promise<AttributionChoice> {
    if (!(ATTRIBUTION_MODELS as readonly string[]).includes(model)) throw badInput([violation('model', 'ATTRIBUTION_MODEL', `must be one of ${ATTRIBUTION_MODELS.join(', ')}`)]);
    const { period } = await this.period(input);
    return this.db.transaction(async (tx) => {
      // Serialise choices: overlap and lock checks must see every other choice.
      await tx.query(`LOCK TABLE attribution_model_choice IN SHARE ROW EXCLUSIVE MODE`);
      const overlapping = await tx.query(`SELECT ${CHOICE_COLUMNS} FROM attribution_model_choice WHERE period_from <= $2::date AND period_to >= $1::date`, [period.from, period.to]);
      const now = new Date();
      for (const r of overlapping) {
        const existing = this.toChoice(r);
        if (existing.from === period.from && existing.to === period.to) {
          const check = canChangeModel(existing.locksAt, now, false);
          if (!check.allowed) throw domainError(ErrorCode.ATTRIBUTION_MODEL_LOCKED, `the attribution model of ${existing.from}..${existing.to} is locked since ${existing.locksAt.toISOString()} (${existing.model})`, { field: 'model', violations: [check.violation] });
        } else {
          throw badInput([violation('period', 'NO_OVERLAP', `overlaps the attribution period ${existing.from}..${existing.to} (${existing.model})`)]);
        }
      }
      const check = canChangeModel(period.start, now, false);
      if (!check.allowed) throw domainError(ErrorCode.ATTRIBUTION_MODEL_LOCKED, `the period ${period.from}..${period.to} has started: its model must be chosen before ${period.start.toISOString()}`, { field: 'model', violations: [check.violation] });
      await tx.query(
        `INSERT INTO attribution_model_choice (period_from, period_to, model, locks_at, chosen_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (period_from) DO UPDATE SET model = EXCLUDED.model, chosen_by = EXCLUDED.chosen_by, chosen_at = now()`,
        [period.from, period.to, model, period.start, p.userId],
      );
      const [row] = await tx.query(`SELECT ${CHOICE_COLUMNS} FROM attribution_model_choice WHERE period_from = $1`, [period.from]);
      return this.toChoice(row);
    });
  }

  // ------------------------------------------------------------------ snapshots
  async takeSnapshot(p: Principal, input: PeriodArgs, asOf?: Date | null): Promise<KpiSnapshotRecord> {
    const { period } = await this.period(input, asOf);
    const trigger: SnapshotTrigger = 'ON_DEMAND';
    return takeKpiSnapshot(this.db, { period: input, asOf: period.asOf, trigger, takenBy: p.userId, dedupeKey: `on-demand/${p.userId}/${period.from}/${period.to}/${period.asOf.toISOString()}` });
  }

  snapshots(trigger: SnapshotTrigger | null, limit: number): Promise<KpiSnapshotRecord[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw badInput([violation('limit', 'RANGE', 'must be an integer from 1 to 200')]);
    return listKpiSnapshots(this.db, { trigger: trigger ?? undefined, limit });
  }

  snapshot(id: string): Promise<KpiSnapshotRecord | null> {
    return getKpiSnapshot(this.db, id);
  }

  // ------------------------------------------------------------------ stack & leaks
  async kpiStack(input: PeriodArgs, asOf?: Date | null) {
    const { ctx, period } = await this.period(input, asOf);
    const card = await scorecard(this.db, ctx, period);
    const m = (k: KpiKey) => card.rows.find((r) => r.kpi === k)!;
    // Coverage is open pipeline over the period's revenue goal: its denominator is the goal.
    const revenueGoal = m('PIPELINE_COVERAGE').measure.denominator;
    const execution: KpiKey[] = ['SPEED_TO_LEAD_HOT', 'ACCEPTANCE_RATE', 'FOLLOW_UP_COMPLIANCE_STEPS', 'FOLLOW_UP_COMPLIANCE_LEADS', 'SLA_COMPLIANCE', 'DATA_COMPLETENESS'];
    const stack = kpiStack({
      revenueGoal,
      coverageTarget: ctx.targets.PIPELINE_COVERAGE?.target ?? null,
      winRate: m('WIN_RATE').measure.value,
      meanWonDealSize: m('PIPELINE_VELOCITY').measure.mean,
      leadToOpportunity: m('LEAD_TO_OPPORTUNITY').measure.value,
      mqlToSql: m('MQL_TO_SQL').measure.value,
      actual: {
        openPipeline: m('PIPELINE_COVERAGE').measure.numerator ?? 0,
        opportunitiesCreated: m('LEAD_TO_OPPORTUNITY').measure.numerator ?? 0,
        sqls: m('MQL_TO_SQL').measure.numerator ?? 0,
        mqls: m('MQL_TO_SQL').measure.denominator ?? 0,
      },
      execution: execution.map((k) => ({ kpi: k, value: m(k).measure.value, target: m(k).target?.target ?? null, direction: m(k).target?.direction ?? null, amberBand: m(k).target?.amberBand ?? null })),
    });
    const LABELS: Record<string, string> = {
      REVENUE_GOAL: 'Revenue goal of the period',
      PIPELINE_REQUIREMENT: 'Pipeline required (goal x coverage target)',
      OPPORTUNITIES_NEEDED: 'Opportunities needed (pipeline / mean won deal size)',
      SQLS_NEEDED: 'SQLs needed (opportunities / SQL-to-opportunity rate)',
      MQLS_NEEDED: 'MQLs needed (SQLs / MQL-to-SQL rate)',
    };
    return {
      period,
      levels: stack.levels.map((l) =>
        l.level === 'EXECUTION'
          ? { level: l.level, label: KPI_CATALOG[l.kpi].label, required: l.target, actual: l.value, gap: l.target !== null && l.value !== null ? l.target - l.value : null, status: l.status, kpi: l.kpi }
          : { level: l.level, label: LABELS[l.level], required: l.required, actual: l.actual, gap: l.gap, status: l.status, kpi: null },
      ),
    };
  }

  async leakReport(input: PeriodArgs, asOf?: Date | null): Promise<{ period: ResolvedPeriod; leaks: Array<Omit<Leak, 'kpi' | 'stage'> & { kpi: string | null; stage: string | null; dueDate: string | null }> }> {
    const { ctx, period } = await this.period(input, asOf);
    const leaks = await leakReport(this.db, ctx, period);
    return { period, leaks: leaks.map((l) => ({ ...l, kpi: l.kpi ?? null, stage: l.stage ?? null, dueDate: l.dueLocalDate })) };
  }

}
