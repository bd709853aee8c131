import 'reflect-metadata';
import { DataSource, DataSourceOptions } from 'typeorm';
import { JsonLogger } from '../../runtime/src/logger';
import * as entities from './entities';
import { SqlErrorLogger } from './sql-error-logger';
import { Foundation1764000000000 } from './migrations/1764000000000-foundation';
import { LeadLifecycle1764000100000 } from './migrations/1764000100000-lead-lifecycle';
import { StageDefinitionApproval1764000200000 } from './migrations/1764000200000-stage-definition-approval';
import { SharedKpis1764000300000 } from './migrations/1764000300000-shared-kpis';
import { AlignmentSprint1764000400000 } from './migrations/1764000400000-alignment-sprint';
import { HistoricalImport1764000500000 } from './migrations/1764000500000-historical-import';
import { ImportResume1764000600000 } from './migrations/1764000600000-import-resume';
import { IngestOutbox1764000700000 } from './migrations/1764000700000-ingest-outbox';
import { DurableLead1764000800000 } from './migrations/1764000800000-durable-lead';
import { LiveNotify1764000900000 } from './migrations/1764000900000-live-notify';
import { ScorecardIndexes1764000950000 } from './migrations/1764000950000-scorecard-indexes';
import { CadenceStepWindows1764001000000 } from './migrations/1764001000000-cadence-step-windows';

export const ENTITIES = Object.values(entities).filter((e) => typeof e === 'function');
export const MIGRATIONS = [Foundation1764000000000, LeadLifecycle1764000100000, StageDefinitionApproval1764000200000, SharedKpis1764000300000, AlignmentSprint1764000400000, HistoricalImport1764000500000, ImportResume1764000600000, IngestOutbox1764000700000, DurableLead1764000800000, LiveNotify1764000900000, ScorecardIndexes1764000950000, CadenceStepWindows1764001000000];

/**
 * One definition for API, worker, scripts and tests: the ordinary `postgres` driver
 * against the embedded PostgreSQL or one of your own. Schema changes go
 * through migrations only; `synchronize` stays off. `log` is the process's logger (the
 * SQL error lines then carry its service name and the request id).
 */
export function dataSourceOptions(url: string, poolSize = 5, log?: JsonLogger): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    extra: { max: poolSize },
    // Failed statements only, as SQLSTATE and a label: parameters carry personal data.
    logging: ['error', 'warn'],
    logger: new SqlErrorLogger(log),
  };
}

export async function runMigrations(url: string): Promise<string[]> {
  const ds = new DataSource({ ...dataSourceOptions(url, 1) });
  await ds.initialize();
  try {
    const done = await ds.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
