import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module } from '@nestjs/common';
import { GraphQLModule, GraphQLWsSubscriptionsConfig } from '@nestjs/graphql';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Connection } from '@temporalio/client';
import { GraphQLFormattedError, specifiedRules, validate } from 'graphql';
import { createSecretKey } from 'node:crypto';
import { dataSourceOptions } from '../../../libs/persistence/src';
import { JsonLogger, type BatonConfig } from '../../../libs/runtime/src';
import { AuthModule } from './auth/auth.module';
import { verifyToken } from './auth/token.service';
import { queryLimits } from './common/query-limits.rule';
import { timeBudget } from './common/time-budget.plugin';
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

/**
 * Errors we did not type are reported as INTERNAL_SERVER_ERROR without internals. A query
 * refused by the limits is the caller's input: Apollo files it under GRAPHQL_VALIDATION_FAILED,
 * it keeps BAD_USER_INPUT with its violations.
 */
export function formatError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (!code || code === 'INTERNAL_SERVER_ERROR') return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' }, path: formatted.path };
  const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
  if (code === 'GRAPHQL_VALIDATION_FAILED' && extensions.violations) extensions.code = 'BAD_USER_INPUT';
  return { ...formatted, extensions };
}

@Module({})
export class AppModule {
  static forRoot(config: BatonConfig, temporal: Connection): DynamicModule {
    const limits = [queryLimits(config.graphql)];
    const tokenKey = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
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
          introspection: config.graphql.introspection,
          includeStacktraceInErrorResponses: false,
          validationRules: limits,
          // The parser stops at this many tokens: a huge document costs no more than a refusal.
          parseOptions: { maxTokens: config.graphql.maxTokens },
          plugins: [timeBudget(config.graphql.timeBudgetMs)],
          // graphql-ws carries the bearer token in connectionParams: a connection without a valid
          // one is closed at connection_init (4403); the guard still checks the user per operation.
          subscriptions: {
            'graphql-ws': {
              path: '/graphql',
              onConnect: ({ connectionParams: p }: { connectionParams?: Record<string, unknown> }) => {
                const header = p?.authorization ?? p?.Authorization;
                return typeof header === 'string' && header.startsWith('Bearer ') && verifyToken(tokenKey, header.slice(7).trim(), config.tokenMaxLifetimeS) !== null;
              },
              // Subscriptions are validated here, not by Apollo: the same limits apply.
              validate: (schema: Parameters<typeof validate>[0], doc: Parameters<typeof validate>[1]) => validate(schema, doc, [...specifiedRules, ...limits]),
            } as GraphQLWsSubscriptionsConfig,
          },
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
