import { readFileSync } from 'node:fs';

/** One supervised child of `npm start` (scripts/lib/supervisor.mjs writes these). */
export interface SupervisedChildStatus {
  state: 'starting' | 'up' | 'restarting' | 'stopped';
  pid: number | null;
  restarts: number;
  since: string | null;
  lastExit: { code: number | null; signal: string | null; at: string } | null;
}

/** The `supervisor` section of /health. */
export type SupervisorStatus =
  | { supervised: false }
  | { supervised: true; ok: boolean; updatedAt?: string; children: Record<string, SupervisedChildStatus>; error?: string };

/**
 * The supervision state of the local stack, read from the status file the supervisor keeps
 * (path in BATON_SUPERVISOR_STATUS). Without one the platform is not supervised (production
 * containers are restarted by their orchestrator). Never throws: an unreadable file is
 * reported, not fatal to /health.
 */
export function readSupervisorStatus(path: string | undefined = process.env.BATON_SUPERVISOR_STATUS): SupervisorStatus {
  if (!path) return { supervised: false };
  try {
    const body = JSON.parse(readFileSync(path, 'utf8')) as { updatedAt?: string; children?: Record<string, SupervisedChildStatus> };
    const children = body.children ?? {};
    const ok = Object.values(children).every((c) => c.state === 'up');
    return { supervised: true, ok, updatedAt: body.updatedAt, children };
  } catch (e) {
    return { supervised: true, ok: false, children: {}, error: `cannot read the supervisor status: ${(e as Error).message}` };
  }
}
