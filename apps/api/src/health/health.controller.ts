import { Controller, Get, Inject, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Connection } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { Public } from '../auth/roles.decorator';
import { OutboxService } from '../ingest/outbox.service';
import { TEMPORAL_CONNECTION } from '../temporal/temporal.module';
import { readSupervisorStatus } from './supervisor-status';

interface Check {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

async function timed(fn: () => Promise<unknown>): Promise<Check> {
  const t0 = Date.now();
  try {
    await Promise.race([fn(), new Promise((_, rej) => setTimeout(() => rej(new Error('timed out after 3s')), 3000))]);
    return { ok: true, latencyMs: Date.now() - t0 };
  } catch (e) {
    return { ok: false, latencyMs: Date.now() - t0, error: (e as Error).message };
  }
}

/**
 * Liveness and readiness in one: 200 when the database and Temporal both answer, else 503.
 * `ingest` shows the outbox backlog (accepted events not yet told to their workflows).
 */
@Controller('health')
export class HealthController {
  constructor(@InjectDataSource() private readonly db: DataSource, @Inject(TEMPORAL_CONNECTION) private readonly temporal: Connection, private readonly outbox: OutboxService) {}

  @Public()
  @Get()
  async health(@Res() res: { status(code: number): { json(body: unknown): void } }): Promise<void> {
    const [database, temporal, ingest] = await Promise.all([timed(() => this.db.query('SELECT 1')), timed(() => this.temporal.healthService.check({})), this.ingest()]);
    const ok = database.ok && temporal.ok;
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', database, temporal, ingest, supervisor: readSupervisorStatus() });
  }

  /** The outbox relay's backlog: counts and an age only, no personal data. */
  private async ingest(): Promise<Record<string, unknown>> {
    try {
      const s = await this.outbox.stats();
      return { pendingOutbox: s.pending, retrying: s.retrying, oldestPendingAgeMs: s.oldestPendingAgeMs, temporalUnreachable: this.outbox.temporalUnreachable };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }
}
