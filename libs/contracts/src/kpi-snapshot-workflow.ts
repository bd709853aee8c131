/** The Temporal Schedule that takes the daily KPI snapshots (created by the worker at start-up). */
export const KPI_SNAPSHOT_SCHEDULE_ID = 'kpi-snapshot-daily';
/**
 * It fires hourly; each run snapshots the previous LOCAL day of the organisation's reporting
 * time zone, idempotently, so the first run after local midnight takes it whatever the zone
 * (and a zone change needs no schedule change).
 */
export const KPI_SNAPSHOT_EVERY = '1 hour';
export const KPI_SNAPSHOT_WORKFLOW_TYPE = 'kpiSnapshotWorkflow';

export interface DailyKpiSnapshotResult {
  /** The local day that was closed (YYYY-MM-DD). */
  day: string;
  /** Snapshot ids: the day itself and the trailing 90 days ending with it. */
  snapshotIds: string[];
}

export interface KpiSnapshotActivities {
  /** Snapshots of the local day before `at` and of the 90 days ending with it; idempotent per day. */
  takeDailyKpiSnapshots(input: { at: string }): Promise<DailyKpiSnapshotResult>;
}
