import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Connection } from '@temporalio/client';
import { GraphQLFormattedError } from 'graphql';
import { dataSourceOptions } from '../../../libs/persistence/src';
import { JsonLogger, type BatonConfig } from '../../../libs/runtime/src';
import { AuthModule } from './auth/auth.module';
import { complexityLimit } from './common/complexity-limit.rule';
import { depthLimit } from './common/depth-limit.rule';
import { ConfigModule } from './config/config.module';
import { HealthModule } from './health/health.module';
import { EngagementModule } from './engagement/engagement.module';
import { LeadsModule } from './leads/leads.module';
import { LiveModule } from './live/live.module';
import { StageDefinitionsModule } from './stage-definitions/stage-definitions.module';
import { KpisModule } from './kpis/kpis.module';
import { SprintsModule } from './sprints/sprints.module';
import { ImportsModule } from './imports/imports.module';
import { RepsModule } from './reps/reps.module';
import { RoutingModule } from './routing/routing.module';
import { TemporalModule } from './temporal/temporal.module';

export const FEATURE_MODULES = [LeadsModule, EngagementModule, RepsModule, RoutingModule, LiveModule, StageDefinitionsModule, KpisModule, SprintsModule, ImportsModule];

/** Errors we did not type are reported as INTERNAL_SERVER_ERROR without internals. */
export function formatError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (!code || code === 'INTERNAL_SERVER_ERROR') return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' }, path: formatted.path };
  const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
  return { ...formatted, extensions };
}

@Module({})
export class AppModule {
  static forRoot(config: BatonConfig, temporal: Connection): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot({ ...dataSourceOptions(config.databaseUrl, config.dbPoolSize, new JsonLogger('api', config.logLevel)), retryAttempts: 0 }),
        TemporalModule.forRoot(temporal),
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          autoSchemaFile: true,
          sortSchema: true,
          playground: false,
          introspection: true,
          includeStacktraceInErrorResponses: false,
          validationRules: [depthLimit(8), complexityLimit(5000)],
          // graphql-ws carries the bearer token in connectionParams; the same guard reads it.
          subscriptions: { 'graphql-ws': { path: '/graphql' } },
          context: (ctx: { req?: unknown; connectionParams?: Record<string, unknown> }) =>
            ctx.connectionParams ? { req: { headers: { authorization: ctx.connectionParams.authorization ?? ctx.connectionParams.Authorization } } } : { req: ctx.req },
          formatError,
        }),
        AuthModule,
        HealthModule,
        ...FEATURE_MODULES,
      ],
    };
  }
}
