import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { checkDatabase, connectTemporal, ensureSearchAttributes, exitOnStartupError, JsonLogger, loadConfig } from '../../../libs/runtime/src';
import { AppModule } from './app.module';
import { TokenService } from './auth/token.service';
import { RateLimiter, rateLimit } from './common/rate-limit';
import { securityHeaders } from './common/security-headers';
import { requestIdMiddleware } from './common/request-id.middleware';
import { batonValidationPipe } from './common/validation.pipe';
import { webhookBody } from './engagement/webhook-body';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const logger = new JsonLogger('api', config.logLevel);
  await checkDatabase(config);
  const temporal = await connectTemporal(config);
  await ensureSearchAttributes(temporal, config.temporalNamespace);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, temporal), { logger, bufferLogs: false, bodyParser: false });
  app.disable('x-powered-by');
  // First, so every refusal below (rate limit, webhook body) carries the request id too.
  app.use(requestIdMiddleware);
  app.use(securityHeaders(config.hstsMaxAgeS));
  // Only the configured origins may call from a browser; without any, no CORS header is sent.
  if (config.corsOrigins.length) app.enableCors({ origin: config.corsOrigins, methods: ['GET', 'POST'], allowedHeaders: ['authorization', 'content-type', 'x-request-id'], exposedHeaders: ['x-request-id', 'retry-after'], maxAge: 600 });
  const tokens = app.get(TokenService);
  app.use(rateLimit(new RateLimiter(config.rateLimit.perSecond, config.rateLimit.burst), (req) => tokens.claimsOf(req)?.sub ?? null));
  // A batch of 500 engagement events (GraphQL or the webhook) is up to about 2.5 MB of JSON.
  // The webhook reads its own body (raw, for the signature; its own error shape).
  app.use('/webhooks', webhookBody(4 * 1024 * 1024));
  app.useBodyParser('json', { limit: '4mb' });
  app.useGlobalPipes(batonValidationPipe);
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  const url = await app.getUrl();
  logger.lifecycle('api listening', { graphql: `${url.replace('[::1]', 'localhost')}/graphql`, health: `${url}/health` });
}

bootstrap().catch((e) => exitOnStartupError('api', e));
