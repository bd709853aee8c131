// Supervision of the local stack's child processes (Temporal dev server, worker, API):
// a child that dies unexpectedly is started again with exponential backoff, and the state
// of every child is written to a small JSON status file that the API shows on /health.
import { renameSync, writeFileSync } from 'node:fs';

export const DEFAULT_BACKOFF = { initialMs: 1_000, maxMs: 30_000, resetAfterMs: 60_000 };

/** The delay before restart number `attempt` (1-based): initial, doubling, capped. */
export function backoffDelay(attempt, { initialMs, maxMs } = DEFAULT_BACKOFF) {
  return Math.min(initialMs * 2 ** Math.max(0, attempt - 1), maxMs);
}

/**
 * A set of supervised children sharing one status file.
 * @param {{ statusFile?: string, log?: (m: string) => void, backoff?: Partial<typeof DEFAULT_BACKOFF> }} o
 */
export function createSupervisor({ statusFile, log = () => {}, backoff = {} } = {}) {
  const policy = { ...DEFAULT_BACKOFF, ...backoff };
  const children = new Map();
  let stopping = false;
  // Supervised children run in their own process group: if this process goes away, take them along.
  process.once('exit', () => {
    for (const c of children.values()) {
      try {
        if (c.handle?.pid) process.kill(c.handle.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
  });

  function writeStatus() {
    if (!statusFile) return;
    const body = { pid: process.pid, updatedAt: new Date().toISOString(), stopping, children: {} };
    for (const [name, c] of children) {
      body.children[name] = { state: c.state, pid: c.handle?.pid ?? null, restarts: c.restarts, since: c.since, lastExit: c.lastExit };
    }
    // Write then rename, so a reader never sees half a file.
    const tmp = `${statusFile}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(body, null, 2)}\n`);
    renameSync(tmp, statusFile);
  }

  /**
   * Start `start()` (async, resolving to `{ pid, exited: Promise<{ code, signal }>, stop() }`
   * once the child is ready) and keep it running until `stopAll()`.
   */
  async function supervise(name, start) {
    const c = { name, state: 'starting', handle: null, restarts: 0, failures: 0, since: null, lastExit: null, timer: null };
    children.set(name, c);
    c.handle = await start();
    up(c);

    function up(child) {
      child.state = 'up';
      child.since = new Date().toISOString();
      writeStatus();
      const startedAt = Date.now();
      child.handle.exited.then(({ code, signal }) => {
        if (stopping || child.state === 'stopped') return;
        // A child that stayed up long enough starts its backoff over.
        if (Date.now() - startedAt >= policy.resetAfterMs) child.failures = 0;
        onExit(child, code, signal);
      });
    }

    function onExit(child, code, signal) {
      child.lastExit = { code: code ?? null, signal: signal ?? null, at: new Date().toISOString() };
      child.failures++;
      child.restarts++;
      child.state = 'restarting';
      child.handle = null;
      const delay = backoffDelay(child.failures, policy);
      log(`${child.name} exited (${signal ? `signal ${signal}` : `code ${code}`}); restarting in ${delay / 1000} s (restart #${child.restarts})`);
      writeStatus();
      child.timer = setTimeout(() => restart(child), delay);
      child.timer.unref?.();
    }

    async function restart(child) {
      child.timer = null;
      if (stopping) return;
      try {
        const handle = await start();
        if (stopping) {
          await handle.stop();
          return;
        }
        child.handle = handle;
        log(`${child.name} is back (pid ${handle.pid})`);
        up(child);
      } catch (e) {
        if (stopping) return;
        log(`${child.name} failed to start: ${String(e.message).split('\n')[0]}`);
        onExit(child, null, null);
      }
    }

    return {
      name,
      get pid() {
        return c.handle?.pid;
      },
      get state() {
        return c.state;
      },
      get restarts() {
        return c.restarts;
      },
      /** The current child's exit (for callers that wait on one incarnation). */
      get exited() {
        return c.handle?.exited ?? Promise.resolve({ code: null, signal: null });
      },
      async stop() {
        c.state = 'stopped';
        clearTimeout(c.timer);
        await c.handle?.stop();
        writeStatus();
      },
    };
  }

  return {
    supervise,
    statusFile,
    get stopping() {
      return stopping;
    },
    /** From now on no child is restarted: a clean stop. */
    beginStop() {
      stopping = true;
      for (const c of children.values()) clearTimeout(c.timer);
      writeStatus();
    },
  };
}
