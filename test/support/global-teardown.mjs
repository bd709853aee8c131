import { readFileSync } from 'node:fs';
import path from 'node:path';
import { dropTestDatabase } from './global-setup.mjs';

export default async function globalTeardown() {
  // A crash test may have replaced the platform's worker; stop the replacement by its pid.
  const stack = globalThis.__BATON_STACK__;
  try {
    const pid = Number(readFileSync(path.join(stack?.dataDir ?? process.env.BATON_TEST_DATA_DIR, 'replacement-worker.pid'), 'utf8'));
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100; i++) {
      await new Promise((r) => setTimeout(r, 100));
      process.kill(pid, 0); // throws once it has exited
    }
    process.kill(pid, 'SIGKILL');
  } catch {
    /* no replacement, or it has exited */
  }
  await stack?.stop();
  // The fresh database the run made on a shared PostgreSQL (DATABASE_URL) goes with it.
  if (process.env.DATABASE_URL && stack?.databaseUrl) await dropTestDatabase(process.env.DATABASE_URL, stack.databaseUrl).catch((e) => process.stdout.write(`[system] could not drop the test database: ${e.message}\n`));
}

