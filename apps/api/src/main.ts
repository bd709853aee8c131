import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { checkDatabase, connectTemporal, ensureSearchAttributes, exitOnStartupError, JsonLogger, loadConfig } from '../../../libs/runtime/src';
import { AppModule } from './app.module';
import { requestIdMiddleware } from './common/request-id.middleware';
import { batonValidationPipe } from './common/validation.pipe';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const logger = new JsonLogger('api', config.logLevel);
  await checkDatabase(config);
  const temporal = await connectTemporal(config);
  await ensureSearchAttributes(temporal, config.temporalNamespace);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, temporal), { logger, bufferLogs: false, rawBody: true });
  // A batch of 500 engagement events (GraphQL or the webhook) is up to about 2.5 MB of JSON;
  // the parser keeps the raw body for the webhook's signature.
  app.useBodyParser('json', { limit: '4mb' });
  app.use(requestIdMiddleware);
  app.useGlobalPipes(batonValidationPipe);
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  const url = await app.getUrl();
  logger.lifecycle('api listening', { graphql: `${url.replace('[::1]', 'localhost')}/graphql`, health: `${url}/health` });
}

bootstrap().catch((e) => exitOnStartupError('api', e));
