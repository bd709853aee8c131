import { TestWorkflowEnvironment } from '@temporalio/testing';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ensureSearchAttributes } from '../../libs/runtime/src/search-attributes';

/**
 * The time-skipping environment on the provisioned Java test server
 * (TEMPORAL_TEST_SERVER_PATH, set by `npm test` via scripts/lib/provision.mjs); without it
 * the SDK downloads its own, which needs internet. Baton's search attributes are registered
 * as on a real namespace, since the workflows upsert them.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  // `npx jest` without `npm test`: use the launcher provisioning cached, if any.
  const cached = join(process.env.BATON_CACHE_DIR || join(homedir(), '.cache', 'baton'), 'test-server', 'temporal-test-server');
  const path = process.env.TEMPORAL_TEST_SERVER_PATH || (existsSync(cached) ? cached : undefined);
  const env = await TestWorkflowEnvironment.createTimeSkipping(path ? { server: { executable: { type: 'existing-path', path } } } : {});
  await ensureSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}
