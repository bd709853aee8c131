import { readFileSync } from 'node:fs';
import path from 'node:path';

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
}
