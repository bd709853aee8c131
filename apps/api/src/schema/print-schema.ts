import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { buildSchemaSdl, SCHEMA_FILE } from './build-schema';

/** `npm run schema`: regenerate apps/api/schema.graphql (a test fails while it is stale). */
buildSchemaSdl()
  .then((sdl) => {
    writeFileSync(process.argv[2] ?? SCHEMA_FILE, sdl);
    process.stdout.write(`wrote ${process.argv[2] ?? SCHEMA_FILE}\n`);
  })
  .catch((e) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  });
