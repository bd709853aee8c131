// `npm run token -- <email|ROLE>`: a bearer token for a user of the running platform.
// Defaults DATABASE_URL to the embedded database `npm start` serves.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './lib/stack.mjs';

const env = { ...process.env, DATABASE_URL: process.env.DATABASE_URL || `postgres://postgres:postgres@127.0.0.1:${process.env.BATON_DB_PORT || 55432}/postgres` };
const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/apps/api/src/auth/issue-token.js'), ...process.argv.slice(2)], { env, stdio: 'inherit' });
process.exit(r.status ?? 1);
