// Workflow tier: the time-skipping test server and the Temporal dev server come from the one
// provisioning mechanism (scripts/lib/provision.mjs), also when Jest is run directly rather than via `npm test`.
import { ensureTemporalCli, ensureTestServer } from '../../../scripts/lib/provision.mjs';

export default async function globalSetup() {
  process.env.TEMPORAL_TEST_SERVER_PATH ||= await ensureTestServer();
  process.env.TEMPORAL_CLI_PATH ||= await ensureTemporalCli();
}
