import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import type { BatonConfig } from '../../../../libs/runtime/src';
import { requestIdClientInterceptor } from '../../../../libs/runtime/src/request-id.interceptors';
import { BATON_CONFIG } from '../config/config.module';

export const TEMPORAL_CONNECTION = Symbol('TEMPORAL_CONNECTION');

/**
 * The API's Temporal client. The connection itself is opened in main() (so an unreachable
 * TEMPORAL_ADDRESS stops start-up with a clear message) and handed in here.
 */
@Global()
@Module({})
export class TemporalModule implements OnApplicationShutdown {
  constructor(@Inject(TEMPORAL_CONNECTION) private readonly connection: Connection) {}

  static forRoot(connection: Connection) {
    return {
      module: TemporalModule,
      providers: [
        { provide: TEMPORAL_CONNECTION, useValue: connection },
        {
          provide: Client,
          inject: [BATON_CONFIG],
          useFactory: (config: BatonConfig) => new Client({ connection, namespace: config.temporalNamespace, interceptors: { workflow: [requestIdClientInterceptor()] } }),
        },
      ],
      exports: [Client, TEMPORAL_CONNECTION],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}
