import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Context } from '@temporalio/activity';
import { DataSource } from 'typeorm';
import type { DailyKpiSnapshotResult, KpiSnapshotActivities } from '../../../../libs/contracts/src';
import { addLocalDays, localDateOf } from '../../../../libs/domain/src';
import { loadKpiContext, takeKpiSnapshot } from '../../../../libs/persistence/src/kpi/kpi-engine';
import { FailFastOnNotFound } from './deterministic-failures';

/** The length of the trailing window stored with each daily snapshot (the sprint's baseline window). */
const TRAILING_DAYS = 90;

/** The daily KPI snapshots of the schedule (docs/kpis.md "Snapshots"). */
@Injectable()
@FailFastOnNotFound()
export class KpiSnapshotActivitiesImpl implements KpiSnapshotActivities {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async takeDailyKpiSnapshots({ at }: { at: string }): Promise<DailyKpiSnapshotResult> {
    const { timeZone } = await loadKpiContext(this.db);
    // The day that has just ended in the reporting time zone; its dedupe keys make every later run of it a no-op.
    const day = addLocalDays(localDateOf(new Date(at), timeZone), -1);
    const asOf = new Date(at);
    const daily = await takeKpiSnapshot(this.db, { period: { from: day, to: day }, asOf, trigger: 'DAILY', takenBy: 'schedule', dedupeKey: `daily/${timeZone}/${day}/1d` });
    Context.current().heartbeat({ day, done: '1d' }); // long on a large history: the server knows it is alive
    const trailing = await takeKpiSnapshot(this.db, {
      period: { from: addLocalDays(day, -(TRAILING_DAYS - 1)), to: day },
      asOf,
      trigger: 'DAILY',
      takenBy: 'schedule',
      dedupeKey: `daily/${timeZone}/${day}/${TRAILING_DAYS}d`,
    });
    return { day, snapshotIds: [daily.id, trailing.id] };
  }
}
