import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from '../../../libs/persistence/src';
import type { BatonConfig } from '../../../libs/runtime/src';
import { LeadStoreActivities } from './activities/lead-store.activities';
import { NotificationActivitiesImpl } from './activities/notification.activities';
import { StageDefinitionActivitiesImpl } from './activities/stage-definition.activities';
import { RoutingActivitiesImpl } from './activities/routing.activities';
import { KpiSnapshotActivitiesImpl } from './activities/kpi-snapshot.activities';

export const ACTIVITY_PROVIDERS = [LeadStoreActivities, NotificationActivitiesImpl, StageDefinitionActivitiesImpl, RoutingActivitiesImpl, KpiSnapshotActivitiesImpl];

/** The worker's Nest application context: configuration, database and activity providers. */
@Module({})
export class WorkerModule {
  static forRoot(config: BatonConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [TypeOrmModule.forRoot({ ...dataSourceOptions(config.databaseUrl, config.dbPoolSize), retryAttempts: 0 })],
      providers: [...ACTIVITY_PROVIDERS],
      exports: [...ACTIVITY_PROVIDERS],
    };
  }
}
