import { ConfigError, exitOnStartupError } from '../../runtime/src';
import { runMigrations } from './data-source';

/** `node dist/libs/persistence/src/migrate.js`: apply pending migrations to DATABASE_URL. */
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new ConfigError('DATABASE_URL', 'is required');
  const applied = await runMigrations(url);
  process.stdout.write(JSON.stringify({ msg: 'migrations applied', applied }) + '\n');
}

main().catch((e) => exitOnStartupError('migrate', e));
