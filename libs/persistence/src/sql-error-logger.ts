import type { Logger as TypeOrmLogger } from 'typeorm';
import { JsonLogger } from '../../runtime/src/logger';

/**
 * TypeORM's logger for Baton. A failed statement is logged as its SQLSTATE, the constraint
 * it broke and a short label of the statement (`INSERT app_user`), never its parameters,
 * its full text (which may hold literals) or the driver's message and detail (which quote
 * values, e.g. `Key (email)=(…) already exists`): those carry e-mails, names and companies.
 */
export class SqlErrorLogger implements TypeOrmLogger {
  constructor(private readonly out: JsonLogger = new JsonLogger('db')) {}

  logQueryError(error: string | Error, query: string, _parameters?: unknown[]): void {
    const e = (typeof error === 'object' ? error : {}) as { code?: unknown; constraint?: unknown };
    this.out.fields('error', 'query failed', {
      sqlState: typeof e.code === 'string' ? e.code : 'unknown',
      statement: statementLabel(query),
      ...(typeof e.constraint === 'string' ? { constraint: e.constraint } : {}),
    });
  }

  logQuerySlow(time: number, query: string): void {
    this.out.fields('warn', 'slow query', { statement: statementLabel(query), ms: time });
  }

  logMigration(message: string): void {
    this.out.fields('info', 'migration', { detail: message });
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.out.fields('warn', 'database warning', { detail: typeof message === 'string' ? message.slice(0, 200) : 'non-text' });
  }

  logQuery(): void {}
  logSchemaBuild(): void {}
}

/** The verb and first table of a statement, e.g. `INSERT app_user`, `SELECT lead`: identifiers only, no literals. */
export function statementLabel(query: string): string {
  const sql = query.replace(/\s+/g, ' ').trim();
  const verb = /^(WITH|SELECT|INSERT|UPDATE|DELETE|START|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|LOCK|CREATE|ALTER|DROP)\b/i.exec(sql)?.[1]?.toUpperCase() ?? 'SQL';
  const main = verb === 'WITH' ? /\)\s*(SELECT|INSERT|UPDATE|DELETE)\b/i.exec(sql)?.[1]?.toUpperCase() ?? 'WITH' : verb;
  const table = /\b(?:FROM|INTO|UPDATE|TABLE)\s+"?([a-z_][a-z0-9_]*)"?/i.exec(sql)?.[1];
  return table ? `${main} ${table.toLowerCase()}` : main;
}
