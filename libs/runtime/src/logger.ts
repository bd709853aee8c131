import type { LoggerService } from '@nestjs/common';
import { currentRequestId } from './request-context';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof LEVELS;

/**
 * Structured JSON lines on stdout. Callers pass ids, never personal data (no emails,
 * names or companies in logs). A line written while a request is handled carries its
 * `requestId` (request-context.ts).
 */
export class JsonLogger implements LoggerService {
  constructor(private readonly service: string, private readonly minLevel: Level = 'info') {}

  private write(level: Level, message: unknown, context?: unknown, extra?: Record<string, unknown>, always = false): void {
    if (!always && LEVELS[level] < LEVELS[this.minLevel]) return;
    const line: Record<string, unknown> = { t: new Date().toISOString(), level, service: this.service, msg: message instanceof Error ? message.message : message };
    if (typeof context === 'string') line.context = context;
    const requestId = currentRequestId();
    if (requestId) line.requestId = requestId;
    if (extra) Object.assign(line, extra);
    process.stdout.write(JSON.stringify(line) + '\n');
  }

  log(message: unknown, context?: unknown): void {
    this.write('info', message, context);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.write('info', message, undefined, fields);
  }
  /** Start/stop milestones, written whatever LOG_LEVEL says: operators and scripts wait for them. */
  lifecycle(message: string, fields?: Record<string, unknown>): void {
    this.write('info', message, undefined, fields, true);
  }
  /** A line with fields (ids, codes, labels; never personal data). */
  fields(level: Level, message: string, fields: Record<string, unknown>): void {
    this.write(level, message, undefined, fields);
  }
  error(message: unknown, trace?: unknown, context?: unknown): void {
    this.write('error', message, context, typeof trace === 'string' ? { trace } : undefined);
  }
  warn(message: unknown, context?: unknown): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: unknown): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: unknown): void {
    this.write('debug', message, context);
  }
}
