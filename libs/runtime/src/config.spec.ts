import { ConfigError, loadConfig } from './config';

const base = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/baton' };

function problem(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a configuration error');
}

describe('loadConfig', () => {
  it('gives development defaults', () => {
    expect(loadConfig(base)).toMatchObject({ nodeEnv: 'development', temporalAddress: '127.0.0.1:7233', port: 3000, dbPoolSize: 5 });
  });

  it.each([
    [{}, 'DATABASE_URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'mysql://x@y/z' }, 'DATABASE_URL'],
    [{ ...base, NODE_ENV: 'production' }, 'JWT_SECRET'],
    [{ ...base, NODE_ENV: 'production', JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ ...base, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }, 'WEBHOOK_SECRET'],
    [{ ...base, NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ ...base, PORT: '70000' }, 'PORT'],
    [{ ...base, DB_POOL_SIZE: 'many' }, 'DB_POOL_SIZE'],
    [{ ...base, TEMPORAL_ADDRESS: 'localhost' }, 'TEMPORAL_ADDRESS'],
    [{ ...base, LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ ...base, BATON_SUPERVISOR_STATUS: 'relative/supervisor.json' }, 'BATON_SUPERVISOR_STATUS'],
    [{ ...base, BATON_SUPERVISOR_STATUS: '/tmp/supervisor.txt' }, 'BATON_SUPERVISOR_STATUS'],
    [{ ...base, WEBHOOK_SECRET: 'x'.repeat(31) }, 'WEBHOOK_SECRET'],
    [{ ...base, WEBHOOK_SECRET_PREVIOUS: 'short' }, 'WEBHOOK_SECRET_PREVIOUS'],
    [{ ...base, BATON_GRAPHQL_INTROSPECTION: 'maybe' }, 'BATON_GRAPHQL_INTROSPECTION'],
    [{ ...base, BATON_CORS_ORIGINS: 'app.example.com' }, 'BATON_CORS_ORIGINS'],
    [{ ...base, BATON_TOKEN_MAX_LIFETIME_S: '0' }, 'BATON_TOKEN_MAX_LIFETIME_S'],
    [{ ...base, BATON_RATE_LIMIT_PER_S: '-1' }, 'BATON_RATE_LIMIT_PER_S'],
  ])('%j is refused naming %s', (env, variable) => {
    const e = problem(env as NodeJS.ProcessEnv);
    expect(e.variable).toBe(variable);
    expect(e.message.startsWith(`${variable}:`)).toBe(true);
  });

  it('takes the supervisor status file when supervised', () => {
    expect(loadConfig(base).supervisorStatusPath).toBeNull();
    expect(loadConfig({ ...base, BATON_SUPERVISOR_STATUS: '/data/supervisor.json' }).supervisorStatusPath).toBe('/data/supervisor.json');
  });

  it('keeps two webhook secrets for rotation, the current one first', () => {
    expect(loadConfig({ ...base, WEBHOOK_SECRET: 'n'.repeat(32), WEBHOOK_SECRET_PREVIOUS: 'o'.repeat(32) }).webhookSecrets).toEqual(['n'.repeat(32), 'o'.repeat(32)]);
    expect(loadConfig(base).webhookSecrets).toHaveLength(1);
  });

  it('closes introspection in production unless configured on, and allows no cross-origin caller by default', () => {
    const production = { ...base, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), WEBHOOK_SECRET: 'y'.repeat(40) };
    expect(loadConfig(production).graphql.introspection).toBe(false);
    expect(loadConfig({ ...production, BATON_GRAPHQL_INTROSPECTION: 'on' }).graphql.introspection).toBe(true);
    expect(loadConfig(base).graphql.introspection).toBe(true);
    expect(loadConfig(base).corsOrigins).toEqual([]);
    expect(loadConfig({ ...base, BATON_CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' }).corsOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
  });

  it('accepts a production configuration with secrets', () => {
    expect(loadConfig({ ...base, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), WEBHOOK_SECRET: 'y'.repeat(40) }).nodeEnv).toBe('production');
  });
});
