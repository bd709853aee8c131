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
  ])('%j is refused naming %s', (env, variable) => {
    const e = problem(env as NodeJS.ProcessEnv);
    expect(e.variable).toBe(variable);
    expect(e.message.startsWith(`${variable}:`)).toBe(true);
  });

  it('takes the supervisor status file when supervised', () => {
    expect(loadConfig(base).supervisorStatusPath).toBeNull();
    expect(loadConfig({ ...base, BATON_SUPERVISOR_STATUS: '/data/supervisor.json' }).supervisorStatusPath).toBe('/data/supervisor.json');
  });

  it('accepts a production configuration with secrets', () => {
    expect(loadConfig({ ...base, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), WEBHOOK_SECRET: 'y'.repeat(40) }).nodeEnv).toBe('production');
  });
});
