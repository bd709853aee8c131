import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LEAD_TASK_QUEUE } from '../../../libs/contracts/src';
import { checkDatabase, ConfigError, connectTemporal, ensureSchedules, ensureSearchAttributes, exitOnStartupError, JsonLogger, loadConfig } from '../../../libs/runtime/src';
import { requestIdActivityInterceptor } from '../../../libs/runtime/src/request-id.interceptors';
import { temporalLogger } from '../../../libs/runtime/src/temporal-logger';
import { collectActivities } from './activities';
import { WorkerModule } from './worker.module';

/**
 * A prebuilt bundle (npm run build, with the workflow interceptors in it) starts in
 * milliseconds; otherwise bundle from source with them.
 */
function workflowSource() {
  const activity = [requestIdActivityInterceptor];
  const bundle = process.env.WORKFLOW_BUNDLE_PATH || join(__dirname, '../../../workflow-bundle.js');
  if (existsSync(bundle)) return { workflowBundle: { codePath: bundle }, interceptors: { activity } };
  return { workflowsPath: require.resolve('../../../workflows/src'), interceptors: { activity, workflowModules: [require.resolve('../../../workflows/src/request-id.interceptors')] } };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = new JsonLogger('worker', config.logLevel);
  // Before any connection: workflow and SDK lines become JSON lines like ours.
  Runtime.install({ logger: temporalLogger(logger) });
  await checkDatabase(config);
  // Register search attributes through a client connection before polling (idempotent).
  const client = await connectTemporal(config);
  const registered = await ensureSearchAttributes(client, config.temporalNamespace);
  const scheduled = await ensureSchedules(client, config.temporalNamespace);
  await client.close();
  if (registered.length) logger.info('registered search attributes', { registered });
  if (scheduled.length) logger.info('created schedules', { scheduled });
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger });

  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect({ address: config.temporalAddress });
  } catch (e) {
    throw new ConfigError('TEMPORAL_ADDRESS', `cannot reach Temporal at ${config.temporalAddress} (${(e as Error).message})`);
  }
  const worker = await Worker.create({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: LEAD_TASK_QUEUE,
    activities: collectActivities(app),
    ...workflowSource(),
    shutdownGraceTime: '10 seconds',
  });

  // Worker.run() resolves after shutdown() drains in-flight tasks; SIGINT/SIGTERM trigger it.
  const stop = () => worker.shutdown();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  logger.lifecycle('worker polling', { taskQueue: LEAD_TASK_QUEUE, temporal: config.temporalAddress });
  await worker.run();
  await connection.close();
  await app.close();
  logger.lifecycle('worker stopped');
}

main().catch((e) => exitOnStartupError('worker', e));
