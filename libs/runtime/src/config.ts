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
  /** The longest a bearer token may live (exp − iat); tokens without exp are refused. */
  tokenMaxLifetimeS: number;
  /** Webhook signing secrets: the current one, then the previous one while integrations rotate. */
  webhookSecrets: string[];
  graphql: GraphqlLimits;
  /** Requests per caller (token subject, else address): a bucket of `burst` refilled at `perSecond`. */
  rateLimit: { perSecond: number; burst: number };
  /** Origins allowed to call the API from a browser; none by default. */
  corsOrigins: string[];
  /** Strict-Transport-Security max-age; 0 sends none (the API is served over plain HTTP locally). */
  hstsMaxAgeS: number;
  host: string;
  port: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** The supervisor's status file (`npm start` sets it); null when not supervised. */
  supervisorStatusPath: string | null;
}

/** What one GraphQL request may ask for (docs/runtime.md, "Abuse limits"). */
export interface GraphqlLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  /** Lexical tokens of the document: the parser stops past this. */
  maxTokens: number;
  /** Fields not started within this budget fail instead of resolving. */
  timeBudgetMs: number;
  introspection: boolean;
}

/** Development defaults, refused in production; tests sign with them too. */
export const DEV_JWT_SECRET = 'baton-dev-secret-do-not-use-in-production';
export const DEV_WEBHOOK_SECRET = 'baton-dev-webhook-secret-not-for-production';
/** An HMAC key shorter than its hash's 32 bytes is weaker than the hash. */
export const MIN_WEBHOOK_SECRET_LENGTH = 32;

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

function flag(env: NodeJS.ProcessEnv, name: string, dflt: boolean): boolean {
  return { on: true, off: false, default: dflt }[oneOf(env, name, ['on', 'off', 'default'] as const, 'default')];
}

function webhookSecret(name: string, value: string): string {
  if (Buffer.byteLength(value, 'utf8') < MIN_WEBHOOK_SECRET_LENGTH) throw new ConfigError(name, `must be at least ${MIN_WEBHOOK_SECRET_LENGTH} bytes`);
  return value;
}

function origins(env: NodeJS.ProcessEnv): string[] {
  const list = (env.BATON_CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  const bad = list.find((o) => !/^https?:\/\/[^/\s]+$/.test(o));
  if (bad) throw new ConfigError('BATON_CORS_ORIGINS', `must be a comma-separated list of origins like https://app.example.com, got "${bad}"`);
  return list;
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

  const currentWebhookSecret = env.WEBHOOK_SECRET || (production ? '' : DEV_WEBHOOK_SECRET);
  if (!currentWebhookSecret) throw new ConfigError('WEBHOOK_SECRET', 'is required when NODE_ENV=production');
  const webhookSecrets = [webhookSecret('WEBHOOK_SECRET', currentWebhookSecret)];
  if (env.WEBHOOK_SECRET_PREVIOUS) webhookSecrets.push(webhookSecret('WEBHOOK_SECRET_PREVIOUS', env.WEBHOOK_SECRET_PREVIOUS));

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
    tokenMaxLifetimeS: int(env, 'BATON_TOKEN_MAX_LIFETIME_S', 24 * 3600, 60, 30 * 24 * 3600),
    webhookSecrets,
    graphql: {
      maxDepth: int(env, 'BATON_GRAPHQL_MAX_DEPTH', 8, 2, 50),
      maxCost: int(env, 'BATON_GRAPHQL_MAX_COST', 5000, 10, 1_000_000),
      maxAliases: int(env, 'BATON_GRAPHQL_MAX_ALIASES', 200, 0, 10_000),
      maxTokens: int(env, 'BATON_GRAPHQL_MAX_TOKENS', 10_000, 100, 1_000_000),
      timeBudgetMs: int(env, 'BATON_GRAPHQL_TIME_BUDGET_MS', 10_000, 100, 600_000),
      introspection: flag(env, 'BATON_GRAPHQL_INTROSPECTION', !production),
    },
    // Generous by default: one integration pushing a steady 60 events/s, or a test's burst, never waits.
    rateLimit: { perSecond: int(env, 'BATON_RATE_LIMIT_PER_S', 200, 1, 1_000_000), burst: int(env, 'BATON_RATE_LIMIT_BURST', 1000, 1, 1_000_000) },
    corsOrigins: origins(env),
    hstsMaxAgeS: int(env, 'BATON_HSTS_MAX_AGE_S', 0, 0, 2 * 365 * 24 * 3600),
    host: env.HOST || '127.0.0.1',
    port: int(env, 'PORT', 3000, 0, 65535),
    logLevel: oneOf(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'),
    supervisorStatusPath,
  };
}
