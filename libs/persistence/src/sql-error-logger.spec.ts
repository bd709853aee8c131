import { JsonLogger } from '../../runtime/src/logger';
import { withRequestId } from '../../runtime/src/request-context';
import { SqlErrorLogger, statementLabel } from './sql-error-logger';

describe('SQL errors in the logs', () => {
  it('are logged as SQLSTATE, constraint and a statement label, never parameters, literals or the driver detail', () => {
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
    try {
      const error = Object.assign(new Error('duplicate key value violates unique constraint "app_user_email_key"'), { code: '23505', constraint: 'app_user_email_key', detail: 'Key (email)=(kim@bigco.example) already exists.' });
      withRequestId('rid-9', () => new SqlErrorLogger(new JsonLogger('api')).logQueryError(error, `INSERT INTO "app_user"("email", "name") VALUES ($1, 'Kim Lee')`, ['kim@bigco.example', 'Kim Lee']));
    } finally {
      write.mockRestore();
    }
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'error', service: 'api', msg: 'query failed', sqlState: '23505', constraint: 'app_user_email_key', statement: 'INSERT app_user', requestId: 'rid-9' });
    expect(lines[0]).not.toMatch(/kim|Kim Lee|bigco/i);
  });

  it.each([
    ['SELECT "l"."id" FROM "lead" "l" WHERE "l"."email" = $1', 'SELECT lead'],
    ["UPDATE lead SET company = 'BigCo' WHERE id = $1", 'UPDATE lead'],
    ['DELETE FROM touch WHERE id = $1', 'DELETE touch'],
    ['WITH x AS (SELECT 1) INSERT INTO ingest_receipt SELECT * FROM x', 'INSERT ingest_receipt'],
    ['START TRANSACTION', 'START'],
  ])('labels %s as %s', (sql, label) => {
    expect(statementLabel(sql)).toBe(label);
  });
});
