import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../../contracts/src';

const TYPES = {
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Bool: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
} as const;

/**
 * Register Baton's custom search attributes on the namespace if they are missing, so
 * the Temporal UI and CLI can find workflows by stage, owner and breach. Idempotent;
 * called by the worker and the API at start-up.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  let existing;
  try {
    existing = await connection.operatorService.listSearchAttributes({ namespace });
  } catch (e) {
    // Temporal's Java time-skipping test server implements AddSearchAttributes but not List.
    if ((e as { code?: number }).code !== 12) throw e;
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: Object.fromEntries(Object.entries(SEARCH_ATTRIBUTES).map(([name, type]) => [name, TYPES[type]])) });
    return Object.keys(SEARCH_ATTRIBUTES);
  }
  const known = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = Object.entries(SEARCH_ATTRIBUTES).filter(([name]) => !known.has(name));
  if (missing.length === 0) return [];
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, TYPES[type]])),
    });
  } catch (e) {
    // Another process registered them first: fine, as long as they exist now.
    const again = await connection.operatorService.listSearchAttributes({ namespace });
    if (missing.some(([name]) => !(name in (again.customAttributes ?? {})))) throw e;
  }
  return missing.map(([name]) => name);
}
