import { ImportFileType, IMPORT_FILE_TYPES, ImportViolation, NATIVE_COLUMNS, RawRow } from './native-format';

/**
 * Column mappings from other systems' exports to the native format: the built-in presets for
 * common CRM exports and user mapping files (`{ "file": "people", "columns": { "Their column":
 * "native_column" } }`). A column mapped to null is known and ignored; a column neither mapped
 * nor native is rejected (UNKNOWN_COLUMN) so nothing is dropped silently.
 */
export interface ImportMapping {
  name: string;
  file: ImportFileType;
  /** Their column (compared case-insensitively) -> native column(s), or null to ignore it. */
  columns: Record<string, string | string[] | null>;
  /** Rewrites a native row after the columns are mapped (values of their vocabulary). */
  transform?: (row: RawRow) => RawRow;
}

const statusOf = (won: RegExp, lost: RegExp) => (row: RawRow): RawRow => {
  const out = { ...row };
  const stage = (row.status ?? '').trim();
  const status = won.test(stage) ? 'WON' : lost.test(stage) ? 'LOST' : stage === '' ? '' : 'OPEN';
  out.status = status;
  // "Close Date" is the expected close of an open deal and the close of a closed one.
  if (status === 'OPEN') out.closed_at = '';
  return out;
};

/** HubSpot's "Original Source" values as Baton sources. */
const HUBSPOT_SOURCES: Record<string, string> = {
  ORGANIC_SEARCH: 'ORGANIC_SEARCH', 'ORGANIC SEARCH': 'ORGANIC_SEARCH', PAID_SEARCH: 'PAID_SEARCH', 'PAID SEARCH': 'PAID_SEARCH',
  EMAIL_MARKETING: 'EMAIL', 'EMAIL MARKETING': 'EMAIL', SOCIAL_MEDIA: 'SOCIAL', 'ORGANIC SOCIAL': 'SOCIAL', PAID_SOCIAL: 'PAID_SOCIAL', 'PAID SOCIAL': 'PAID_SOCIAL',
  REFERRALS: 'REFERRAL', REFERRAL: 'REFERRAL', DIRECT_TRAFFIC: 'WEBSITE', 'DIRECT TRAFFIC': 'WEBSITE', OFFLINE: 'OFFLINE', 'OFFLINE SOURCES': 'OFFLINE', OTHER_CAMPAIGNS: 'OTHER', 'OTHER CAMPAIGNS': 'OTHER',
};

export const MAPPING_PRESETS: Record<string, ImportMapping> = {
  'hubspot-contacts': {
    name: 'hubspot-contacts',
    file: 'people',
    columns: {
      'Record ID': null,
      Email: 'email',
      'First Name': 'first_name',
      'Last Name': 'last_name',
      'Company Name': 'company',
      Company: 'company',
      'Job Title': 'title',
      Industry: 'industry',
      'Number of Employees': 'company_size',
      'Country/Region': 'country',
      Country: 'country',
      'Original Source': 'source',
      'Original Source Drill-Down 1': null,
      'Original Source Drill-Down 2': null,
      'UTM Source': 'utm_source',
      'UTM Medium': 'utm_medium',
      'UTM Campaign': 'utm_campaign',
      'Create Date': 'created_at',
      // A snapshot of today's stage, not history: import history through lifecycle.csv.
      'Lifecycle Stage': null,
      'Lead Status': null,
      'Contact owner': null,
      'Last Activity Date': null,
    },
    transform: (row) => ({ ...row, source: row.source ? (HUBSPOT_SOURCES[row.source.trim().toUpperCase()] ?? row.source.trim().toUpperCase().replace(/\s+/g, '_')) : '' }),
  },
  'hubspot-deals': {
    name: 'hubspot-deals',
    file: 'opportunities',
    columns: {
      'Record ID': null,
      'Deal Name': null,
      Pipeline: null,
      'Deal Stage': 'status',
      Amount: 'amount',
      'Close Date': ['expected_close_at', 'closed_at'],
      'Create Date': 'created_at',
      'Deal owner': 'owner_email',
      'Deal Owner': 'owner_email',
      'Closed Lost Reason': 'reason',
      'Closed Won Reason': 'reason',
      'Associated Contact Email': 'email',
      'Contact Email': 'email',
      Email: 'email',
    },
    transform: statusOf(/^closed ?won$/i, /^closed ?lost$/i),
  },
  'salesforce-leads': {
    name: 'salesforce-leads',
    file: 'people',
    columns: {
      'Lead ID': null,
      Email: 'email',
      'First Name': 'first_name',
      'Last Name': 'last_name',
      Company: 'company',
      Title: 'title',
      Industry: 'industry',
      Employees: 'company_size',
      'No. of Employees': 'company_size',
      Country: 'country',
      'Lead Source': 'source',
      'Created Date': 'created_at',
      // Current status, not history (import history through lifecycle.csv).
      'Lead Status': null,
      'Lead Owner': null,
      Rating: null,
    },
    transform: (row) => ({ ...row, source: row.source ? row.source.trim().toUpperCase().replace(/[\s-]+/g, '_') : '' }),
  },
  'salesforce-opportunities': {
    name: 'salesforce-opportunities',
    file: 'opportunities',
    columns: {
      'Opportunity ID': null,
      'Opportunity Name': null,
      'Account Name': null,
      Stage: 'status',
      Amount: 'amount',
      'Close Date': ['expected_close_at', 'closed_at'],
      'Created Date': 'created_at',
      'Opportunity Owner': 'owner_email',
      'Loss Reason': 'reason',
      'Contact Email': 'email',
      Email: 'email',
      Probability: null,
      'Probability (%)': null,
    },
    transform: statusOf(/^closed ?won$/i, /^closed ?lost$/i),
  },
};

/** Validates a user mapping file's JSON. */
export function parseMappingFile(json: unknown, name: string): { mapping: ImportMapping | null; violations: ImportViolation[] } {
  const violations: ImportViolation[] = [];
  const o = json as { file?: unknown; columns?: unknown };
  if (!o || typeof o !== 'object') return { mapping: null, violations: [{ field: 'mapping', rule: 'JSON_OBJECT', message: 'a mapping file is a JSON object' }] };
  if (typeof o.file !== 'string' || !(IMPORT_FILE_TYPES as readonly string[]).includes(o.file)) violations.push({ field: 'file', rule: 'KNOWN_VALUE', message: `file must be one of ${IMPORT_FILE_TYPES.join(', ')}` });
  if (!o.columns || typeof o.columns !== 'object' || Array.isArray(o.columns)) violations.push({ field: 'columns', rule: 'JSON_OBJECT', message: 'columns maps their column names to native column names' });
  if (violations.length) return { mapping: null, violations };
  const file = o.file as ImportFileType;
  const columns: Record<string, string | string[] | null> = {};
  for (const [theirs, native] of Object.entries(o.columns as Record<string, unknown>)) {
    const targets = native === null ? [] : Array.isArray(native) ? native : [native];
    for (const t of targets) if (typeof t !== 'string' || !NATIVE_COLUMNS[file].includes(t)) violations.push({ field: `columns.${theirs}`, rule: 'KNOWN_COLUMN', message: `'${String(t)}' is not a column of ${file} (${NATIVE_COLUMNS[file].join(', ')})` });
    columns[theirs] = native as string | string[] | null;
  }
  return violations.length ? { mapping: null, violations } : { mapping: { name, file, columns }, violations };
}

export interface HeaderPlan {
  /** For each input column: the native columns it fills (empty = ignored). */
  targets: string[][];
  violations: ImportViolation[];
}

/** How a file's header maps to native columns; unknown columns are violations naming them. */
export function planHeader(type: ImportFileType, header: readonly string[], mapping: ImportMapping | null): HeaderPlan {
  const native = NATIVE_COLUMNS[type];
  const mapped = new Map<string, string[]>();
  if (mapping) for (const [k, v] of Object.entries(mapping.columns)) mapped.set(k.trim().toLowerCase(), v === null ? [] : Array.isArray(v) ? v : [v]);
  const violations: ImportViolation[] = [];
  const targets = header.map((raw) => {
    const col = raw.replace(/^\uFEFF/, '').trim();
    const m = mapped.get(col.toLowerCase());
    if (m) return m;
    if (native.includes(col)) return [col];
    violations.push({ field: col, rule: 'UNKNOWN_COLUMN', message: `column '${col}' is not a ${type} column (${native.join(', ')})${mapping ? ` and not mapped by ${mapping.name}` : ''}; map it or remove it` });
    return [];
  });
  return { targets, violations };
}

/** One input record as a native row (later columns do not overwrite a value already set). */
export function applyHeader(plan: HeaderPlan, fields: readonly string[], mapping: ImportMapping | null): RawRow {
  const row: RawRow = {};
  plan.targets.forEach((cols, i) => {
    const v = fields[i] ?? '';
    for (const c of cols) if (!row[c] || row[c].trim() === '') row[c] = v;
  });
  return mapping?.transform ? mapping.transform(row) : row;
}

/** Keys of an NDJSON object: each key is a column, mapped like a CSV header. */
export function ndjsonRow(plan: HeaderPlan, obj: Record<string, unknown>, keys: readonly string[], mapping: ImportMapping | null): RawRow {
  return applyHeader(plan, keys.map((k) => (obj[k] === null || obj[k] === undefined ? '' : typeof obj[k] === 'object' ? JSON.stringify(obj[k]) : String(obj[k]))), mapping);
}
