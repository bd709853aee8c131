import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Index-only scans for the scorecard's period queries (libs/persistence/src/kpi/kpi-queries.ts).
 * The KPI facts' time indexes carry the few columns each total reads, so a period reads its
 * slice of the index instead of visiting the heap pages of every fact row in it (90 days of
 * kpi_lead_cycle touch nearly all of its pages, four times over). Each replaces the index of the
 * same key and predicate. SLA clocks get a narrow index for the total (the covering index of
 * the shared-KPIs migration stays for the breakdowns by kind and rep); it makes the plain
 * due_at index redundant. Opportunities get one for "open at some moment of the period".
 */
export class ScorecardIndexes1764000950000 implements MigrationInterface {
  name = 'ScorecardIndexes1764000950000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX kpi_lead_cycle_mql_idx`);
    await q.query(`CREATE INDEX kpi_lead_cycle_mql_idx ON kpi_lead_cycle (mql_at) INCLUDE (sql_at, opportunity_at)`);
    await q.query(`DROP INDEX kpi_lead_cycle_routed_idx`);
    await q.query(`CREATE INDEX kpi_lead_cycle_routed_idx ON kpi_lead_cycle (first_routed_at) INCLUDE (decision_at, decision)`);
    await q.query(`DROP INDEX kpi_lead_cycle_recycled_idx`);
    await q.query(`CREATE INDEX kpi_lead_cycle_recycled_idx ON kpi_lead_cycle (recycled_at) INCLUDE (cycle_end) WHERE recycled_at IS NOT NULL`);
    await q.query(`DROP INDEX kpi_lead_cycle_disqualified_idx`);
    await q.query(`CREATE INDEX kpi_lead_cycle_disqualified_idx ON kpi_lead_cycle (disqualified_at) INCLUDE (cadence_complete) WHERE cadence_required`);
    await q.query(`DROP INDEX kpi_routing_time_idx`);
    await q.query(`CREATE INDEX kpi_routing_time_idx ON kpi_routing (decided_at) INCLUDE (hot, first_touch_logged_at, first_touch_at, business_minutes)`);
    await q.query(`CREATE INDEX sla_clock_due_state_idx ON sla_clock (due_at) INCLUDE (started_at, breached_at, met_at, status)`);
    await q.query(`DROP INDEX sla_clock_due_idx`);
    // Opportunities open at some moment of a period: not closed before its start.
    await q.query(`CREATE INDEX opportunity_period_idx ON opportunity ((COALESCE(closed_at, 'infinity'::timestamptz))) INCLUDE (created_at, closed_at, amount, status)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX opportunity_period_idx`);
    await q.query(`CREATE INDEX sla_clock_due_idx ON sla_clock (due_at)`);
    await q.query(`DROP INDEX sla_clock_due_state_idx`);
    await q.query(`DROP INDEX kpi_routing_time_idx`);
    await q.query(`CREATE INDEX kpi_routing_time_idx ON kpi_routing (decided_at)`);
    await q.query(`DROP INDEX kpi_lead_cycle_disqualified_idx`);
    await q.query(`CREATE INDEX kpi_lead_cycle_disqualified_idx ON kpi_lead_cycle (disqualified_at) WHERE cadence_required`);
    await q.query(`DROP INDEX kpi_lead_cycle_recycled_idx`);
    await q.query(`CREATE INDEX kpi_lead_cycle_recycled_idx ON kpi_lead_cycle (recycled_at) WHERE recycled_at IS NOT NULL`);
    await q.query(`DROP INDEX kpi_lead_cycle_routed_idx`);
    await q.query(`CREATE INDEX kpi_lead_cycle_routed_idx ON kpi_lead_cycle (first_routed_at)`);
    await q.query(`DROP INDEX kpi_lead_cycle_mql_idx`);
    await q.query(`CREATE INDEX kpi_lead_cycle_mql_idx ON kpi_lead_cycle (mql_at)`);
  }
}
