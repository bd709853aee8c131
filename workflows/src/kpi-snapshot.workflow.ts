import { proxyActivities } from '@temporalio/workflow';
import { NON_RETRYABLE_ACTIVITY_ERRORS } from '../../libs/contracts/src/errors';
import type { DailyKpiSnapshotResult, KpiSnapshotActivities } from '../../libs/contracts/src/kpi-snapshot-workflow';

const { takeDailyKpiSnapshots } = proxyActivities<KpiSnapshotActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '2 minutes',
  // Bounded in time as well as attempts; a missing row or bad input is not retried.
  scheduleToCloseTimeout: '2 hours',
  retry: { initialInterval: '10 seconds', maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE_ACTIVITY_ERRORS },
});

/**
 * One run of the daily KPI snapshot schedule: closes the previous local day. The workflow
 * clock is the schedule's fire time, so a late or replayed run snapshots the same day.
 */
export async function kpiSnapshotWorkflow(): Promise<DailyKpiSnapshotResult> {
  return takeDailyKpiSnapshots({ at: new Date().toISOString() });
}
