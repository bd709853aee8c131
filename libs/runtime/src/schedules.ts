import { Client, Connection, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import { KPI_SNAPSHOT_EVERY, KPI_SNAPSHOT_SCHEDULE_ID, KPI_SNAPSHOT_WORKFLOW_TYPE, LEAD_TASK_QUEUE } from '../../contracts/src';

/**
 * Create Baton's Temporal Schedules if they are missing (idempotent; the worker calls it at
 * start-up). Today: the daily KPI snapshot. An existing schedule is left as it is, so an
 * operator's pause or edit in the Temporal UI survives restarts.
 */
export async function ensureSchedules(connection: Connection, namespace: string): Promise<string[]> {
  const client = new Client({ connection, namespace });
  try {
    await client.schedule.create({
      scheduleId: KPI_SNAPSHOT_SCHEDULE_ID,
      spec: { intervals: [{ every: KPI_SNAPSHOT_EVERY }] },
      action: { type: 'startWorkflow', workflowType: KPI_SNAPSHOT_WORKFLOW_TYPE, taskQueue: LEAD_TASK_QUEUE, args: [] },
      // A run that is still going when the next fires is skipped; after an outage one catch-up run is enough.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    });
    return [KPI_SNAPSHOT_SCHEDULE_ID];
  } catch (e) {
    if (e instanceof ScheduleAlreadyRunning) return [];
    throw e;
  }
}
