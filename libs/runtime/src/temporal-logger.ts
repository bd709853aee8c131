import type { Logger, LogLevel, LogMetadata } from '@temporalio/common';
import type { JsonLogger } from './logger';

const LEVEL = { TRACE: 'debug', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * Temporal's own lines (a workflow's `log`, the SDK's and the core's) written as the worker's
 * JSON lines, with the ids Temporal attaches (workflowId, runId, activityId) and the request id a
 * workflow carries (workflows/src/request-id.interceptors.ts). Callers log ids, never personal data.
 */
export function temporalLogger(json: JsonLogger): Logger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => json.fields(LEVEL[level], message, { ...meta });
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}
