import { Client as PgClient } from 'pg';
import { Connection } from '@temporalio/client';
import { BatonConfig, ConfigError } from './config';

/** Fail fast, naming the variable, when a dependency in the configuration is unreachable. */
export async function checkDatabase(config: BatonConfig, timeoutMs = 5000): Promise<void> {
  const pg = new PgClient({ connectionString: config.databaseUrl, connectionTimeoutMillis: timeoutMs });
  try {
    await pg.connect();
    await pg.query('SELECT 1');
  } catch (e) {
    throw new ConfigError('DATABASE_URL', `cannot reach the database (${(e as Error).message})`);
  } finally {
    await pg.end().catch(() => undefined);
  }
}

export async function connectTemporal(config: BatonConfig, timeoutMs = 10000): Promise<Connection> {
  try {
    return await Connection.connect({ address: config.temporalAddress, connectTimeout: timeoutMs });
  } catch (e) {
    throw new ConfigError('TEMPORAL_ADDRESS', `cannot reach Temporal at ${config.temporalAddress} (${(e as Error).message})`);
  }
}

/** Print a start-up failure plainly and stop: the one place both processes exit from. */
export function exitOnStartupError(service: string, e: unknown): never {
  const msg = e instanceof ConfigError ? `configuration error: ${e.message}` : `start-up failed: ${(e as Error)?.stack ?? String(e)}`;
  process.stderr.write(`[${service}] ${msg}\n`);
  process.exit(1);
}
