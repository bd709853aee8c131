import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { ensureSearchAttributes } from '../../../libs/runtime/src/search-attributes';

/**
 * The time-skipping environment on the provisioned Java test server
 * (TEMPORAL_TEST_SERVER_PATH, set by the workflow project's global setup through
 * scripts/lib/provision.mjs). Baton's search attributes are registered as on a real
 * namespace, since the workflows upsert them.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = process.env.TEMPORAL_TEST_SERVER_PATH;
  const options = path ? { server: { executable: { type: 'existing-path' as const, path } } } : {};
  // The SDK gives the JVM 5 s to listen; on a loaded 2-core machine that is sometimes too short.
  let env: TestWorkflowEnvironment | undefined;
  for (let attempt = 1; !env; attempt++) {
    try {
      env = await TestWorkflowEnvironment.createTimeSkipping(options);
    } catch (e) {
      if (attempt >= 3 || !/did not start/.test((e as Error).message)) throw e;
    }
  }
  await ensureSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

/**
 * A real Temporal dev server (TEMPORAL_CLI_PATH, provisioned like the time-skipping server):
 * for tests whose point is how the server treats the workflow (concurrent updates, their
 * limits), which the test server does not reproduce.
 */
export async function createDevServerEnv(): Promise<TestWorkflowEnvironment> {
  const path = process.env.TEMPORAL_CLI_PATH;
  const env = await TestWorkflowEnvironment.createLocal(path ? { server: { executable: { type: 'existing-path', path } } } : {});
  await ensureSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

/**
 * Jest hooks for a workflow test file: the workflow bundle is built once per file, and each
 * test gets a fresh time-skipping server (or dev server), so time skipped in one test never leaks into another.
 */
export function useTimeSkipping(server: 'time-skipping' | 'dev' = 'time-skipping'): { env: () => TestWorkflowEnvironment; bundle: () => WorkflowBundleWithSourceMap } {
  let env: TestWorkflowEnvironment | undefined;
  let bundle: WorkflowBundleWithSourceMap | undefined;
  beforeAll(async () => {
    bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../../workflows/src') });
  }, 120_000);
  beforeEach(async () => {
    env = server === 'dev' ? await createDevServerEnv() : await createTimeSkippingEnv();
  }, 60_000);
  afterEach(async () => {
    await env?.teardown();
  });
  return { env: () => env!, bundle: () => bundle! };
}
