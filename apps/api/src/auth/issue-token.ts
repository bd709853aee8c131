import { DataSource } from 'typeorm';
import { dataSourceOptions, UserEntity } from '../../../../libs/persistence/src';
import { ConfigError, exitOnStartupError, loadConfig } from '../../../../libs/runtime/src';
import { createSecretKey } from 'node:crypto';
import { signToken, verifyToken } from './token.service';

/**
 * `npm run token -- <email|ROLE>`: print a bearer token for a user (the first active user
 * of that role when a role is given). For local and demo use; production tokens are issued
 * the same way by an administrator with access to the database and JWT_SECRET.
 */
async function main(): Promise<void> {
  const who = process.argv[2];
  if (!who) throw new ConfigError('argv', 'usage: npm run token -- <email|ROLE> [expiresIn, e.g. 12h]');
  const config = loadConfig();
  const ds = await new DataSource(dataSourceOptions(config.databaseUrl, 1)).initialize();
  try {
    const users = ds.getRepository(UserEntity);
    const user = who.includes('@')
      ? await users.findOne({ where: { email: who.toLowerCase(), active: true } })
      : await users.findOne({ where: { role: who.toUpperCase() as UserEntity['role'], active: true }, order: { email: 'ASC' } });
    if (!user) throw new ConfigError('argv', `no active user matches "${who}"`);
    const token = signToken(config.jwtSecret, { sub: user.id, role: user.role }, (process.argv[3] ?? '12h') as '12h');
    // The API refuses what it would not verify; say so here rather than hand out a dead token.
    if (!verifyToken(createSecretKey(Buffer.from(config.jwtSecret, 'utf8')), token, config.tokenMaxLifetimeS)) {
      throw new ConfigError('argv', `a token may live at most ${config.tokenMaxLifetimeS} s (BATON_TOKEN_MAX_LIFETIME_S), got "${process.argv[3]}"`);
    }
    process.stdout.write(token + '\n');
  } finally {
    await ds.destroy();
  }
}

main().catch((e) => exitOnStartupError('token', e));
