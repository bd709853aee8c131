import { isAbsolute } from 'node:path';

/**
 * Configuration shared by the API and the worker, read once at start-up and validated
 * so that a bad value stops the process with a message naming the variable.
 */
export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

export interface BatonConfig {
  nodeEnv: 'development' | 'test' | 'production';
  databaseUrl: string;
  dbPoolSize: number;
  temporalAddress: string;
  temporalNamespace: string;
  jwtSecret: string;
  webhookSecret: string;
  host: string;
  port: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** The supervisor's status file (`npm start` sets it); null when not supervised. */
  supervisorStatusPath: string | null;
}

/** Development defaults, refused in production; tests sign with them too. */
export const DEV_JWT_SECRET = 'baton-dev-secret-do-not-use-in-production';
export const DEV_WEBHOOK_SECRET = 'baton-dev-webhook-secret';

function int(env: NodeJS.ProcessEnv, name: string, dflt: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(name, `must be an integer between ${min} and ${max}, got "${raw}"`);
  return n;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], dflt: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): BatonConfig {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'test', 'production'] as const, 'development');
  const production = nodeEnv === 'production';

  const databaseUrl = env.DATABASE_URL ?? '';
  if (!databaseUrl) throw new ConfigError('DATABASE_URL', 'is required (postgres://user:password@host:port/database)');
  let parsed: URL;
  try {
    parsed = new URL(databaseUrl);
  } catch {
    throw new ConfigError('DATABASE_URL', 'is not a valid URL');
  }
  if (!['postgres:', 'postgresql:'].includes(parsed.protocol)) throw new ConfigError('DATABASE_URL', `must use postgres://, got ${parsed.protocol}//`);

  const temporalAddress = env.TEMPORAL_ADDRESS || '127.0.0.1:7233';
  if (!/^[^\s:]+:\d{1,5}$/.test(temporalAddress)) throw new ConfigError('TEMPORAL_ADDRESS', `must be host:port, got "${temporalAddress}"`);

  const jwtSecret = env.JWT_SECRET || (production ? '' : DEV_JWT_SECRET);
  if (!jwtSecret) throw new ConfigError('JWT_SECRET', 'is required when NODE_ENV=production');
  if (production && jwtSecret.length < 32) throw new ConfigError('JWT_SECRET', 'must be at least 32 characters when NODE_ENV=production');

  const webhookSecret = env.WEBHOOK_SECRET || (production ? '' : DEV_WEBHOOK_SECRET);
  if (!webhookSecret) throw new ConfigError('WEBHOOK_SECRET', 'is required when NODE_ENV=production');

  const supervisorStatusPath = env.BATON_SUPERVISOR_STATUS || null;
  if (supervisorStatusPath !== null && !(isAbsolute(supervisorStatusPath) && supervisorStatusPath.endsWith('.json'))) {
    throw new ConfigError('BATON_SUPERVISOR_STATUS', `must be an absolute path to a .json file, got "${supervisorStatusPath}"`);
  }

  return {
    nodeEnv,
    databaseUrl,
    dbPoolSize: int(env, 'DB_POOL_SIZE', 5, 1, 100),
    temporalAddress,
    temporalNamespace: env.TEMPORAL_NAMESPACE || 'default',
    jwtSecret,
    webhookSecret,
    host: env.HOST || '127.0.0.1',
    port: int(env, 'PORT', 3000, 0, 65535),
    logLevel: oneOf(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'),
    supervisorStatusPath,
  };
}
