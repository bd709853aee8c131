import { DataSource } from 'typeorm';
import { ConfigError, exitOnStartupError } from '../../runtime/src';
import { dataSourceOptions } from './data-source';
import { seedDemoOrganisation } from './seed/demo-organisation';

/** `node dist/libs/persistence/src/seed.js`: seed the demo organisation into DATABASE_URL. */
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new ConfigError('DATABASE_URL', 'is required');
  const ds = await new DataSource(dataSourceOptions(url, 1)).initialize();
  try {
    const result = await seedDemoOrganisation(ds);
    process.stdout.write(JSON.stringify({ msg: 'demo organisation', ...result }) + '\n');
  } finally {
    await ds.destroy();
  }
}

main().catch((e) => exitOnStartupError('seed', e));
