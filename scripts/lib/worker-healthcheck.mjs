#!/usr/bin/env node
// Container health check for the worker (it has no HTTP port): healthy when Temporal lists
// a poller from this host on the worker's task queue, i.e. the worker is connected and polling.
// Exit 0 healthy, 1 not. Used by docker-compose.yml.
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { Connection } = require('@temporalio/client');
const { LEAD_TASK_QUEUE } = require(path.join(root, 'dist/libs/contracts/src'));

const address = process.env.TEMPORAL_ADDRESS || '127.0.0.1:7233';
const namespace = process.env.TEMPORAL_NAMESPACE || 'default';
const timer = setTimeout(() => process.exit(1), 8000);
try {
  const connection = await Connection.connect({ address, connectTimeout: 3000 });
  const res = await connection.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: LEAD_TASK_QUEUE },
    taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
  });
  await connection.close();
  // The SDK's default worker identity is `<pid>@<hostname>`.
  const mine = (res.pollers ?? []).some((p) => String(p.identity ?? '').endsWith(`@${os.hostname()}`));
  clearTimeout(timer);
  process.exit(mine ? 0 : 1);
} catch {
  process.exit(1);
}
