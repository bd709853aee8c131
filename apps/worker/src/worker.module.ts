import { DynamicModule, Inject, Injectable, Module, OnModuleDestroy } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from '../../../libs/persistence/src';
import { JsonLogger, type BatonConfig } from '../../../libs/runtime/src';
import { LeadStoreActivities } from './activities/lead-store.activities';
import { NotificationActivitiesImpl } from './activities/notification.activities';
import { StageDefinitionActivitiesImpl } from './activities/stage-definition.activities';
import { RoutingActivitiesImpl } from './activities/routing.activities';
import { KpiSnapshotActivitiesImpl } from './activities/kpi-snapshot.activities';
import { SprintActivitiesImpl, WORKER_TEMPORAL_CLIENT } from './activities/sprint.activities';

export const ACTIVITY_PROVIDERS = [LeadStoreActivities, NotificationActivitiesImpl, StageDefinitionActivitiesImpl, RoutingActivitiesImpl, KpiSnapshotActivitiesImpl, SprintActivitiesImpl];

/** Closes the activities' Temporal client connection when the worker stops. */
@Injectable()
class TemporalClientCloser implements OnModuleDestroy {
  constructor(@Inject(WORKER_TEMPORAL_CLIENT) private readonly client: Client) {}
  async onModuleDestroy(): Promise<void> {
    await this.client.connection.close();
  }
}

/** The worker's Nest application context: configuration, database and activity providers. */
@Module({})
export class WorkerModule {
  static forRoot(config: BatonConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [TypeOrmModule.forRoot({ ...dataSourceOptions(config.databaseUrl, config.dbPoolSize, new JsonLogger('worker', config.logLevel)), retryAttempts: 0 })],
      providers: [
        ...ACTIVITY_PROVIDERS,
        // Activities that manage schedules (governance reviews) need a client; it connects on first use.
        {
          provide: WORKER_TEMPORAL_CLIENT,
          useFactory: () => new Client({ connection: Connection.lazy({ address: config.temporalAddress }), namespace: config.temporalNamespace }),
        },
        TemporalClientCloser,
      ],
      exports: [...ACTIVITY_PROVIDERS],
    };
  }
}
