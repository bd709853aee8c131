import {
  DISQUALIFICATION_REASONS,
  ENGAGEMENT_TYPES,
  RECYCLE_REASONS,
  REJECTION_CODES,
  REQUIRED_FIELD_NAMES,
  TOUCH_CHANNELS,
  TOUCH_OUTCOMES,
} from '../stage-definition';
import { instantRangeViolation, MAX_FUTURE_SKEW_MS, parseInstant } from '../time-zone';

/**
 * Baton's native import format (docs/import.md): one file per record type, CSV or NDJSON with
 * the same columns / keys. Pure: each row is checked on its own here; what needs the database
 * or the rest of the file (known people and owners, duplicates, order) is the importer's.
 */
export const IMPORT_FILE_TYPES = ['targets', 'accounts', 'people', 'touchpoints', 'lifecycle', 'opportunities'] as const;
export type ImportFileType = (typeof IMPORT_FILE_TYPES)[number];

export const NATIVE_COLUMNS: Record<ImportFileType, readonly string[]> = {
  people: ['email', 'first_name', 'last_name', 'company', 'title', 'industry', 'company_size', 'country', 'source', 'utm_source', 'utm_medium', 'utm_campaign', 'created_at'],
  accounts: ['domain', 'name', 'industry', 'company_size', 'owner_email'],
  touchpoints: ['email', 'occurred_at', 'type', 'channel', 'campaign', 'utm_source', 'utm_medium', 'utm_campaign', 'url', 'content_title'],
  lifecycle: ['email', 'occurred_at', 'event', 'owner_email', 'code', 'note', 'channel', 'outcome', 'logged_at', 'hot', 'demo_request', 'score', 'missing_fields', 'reengage_at'],
  opportunities: ['email', 'created_at', 'amount', 'expected_close_at', 'status', 'closed_at', 'reason', 'owner_email'],
  targets: ['month', 'revenue_target'],
};

export const LIFECYCLE_EVENTS = ['MQL', 'ROUTED', 'REASSIGNED', 'ACCEPTED', 'REJECTED', 'SALES_TOUCH', 'SQL', 'DISQUALIFIED', 'RECYCLED', 'REENGAGED'] as const;
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];
export const OPPORTUNITY_STATUSES = ['OPEN', 'WON', 'LOST'] as const;

/** A rejected row: which field broke which rule. */
export interface ImportViolation {
  field: string;
  rule: string;
  message: string;
}

export type RawRow = Record<string, string>;

export interface PersonRow {
  email: string;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  title: string | null;
  industry: string | null;
  companySize: number | null;
  country: string | null;
  source: string;
  utm: Record<string, string>;
  createdAt: Date;
}
export interface AccountRow { domain: string; name: string; industry: string | null; companySize: number | null; ownerEmail: string | null }
export interface TouchpointRow { email: string; occurredAt: Date; type: string; channel: string | null; campaign: string | null; utm: Record<string, string>; url: string | null; contentTitle: string | null }
export interface LifecycleRow {
  email: string;
  occurredAt: Date;
  event: LifecycleEvent;
  ownerEmail: string | null;
  code: string | null;
  note: string | null;
  channel: string | null;
  outcome: string | null;
  loggedAt: Date | null;
  hot: boolean;
  demoRequest: boolean;
  score: number | null;
  missingFields: string[];
  reengageAt: Date | null;
}
export interface OpportunityRow { email: string; createdAt: Date; amount: number; expectedCloseAt: Date; status: 'OPEN' | 'WON' | 'LOST'; closedAt: Date | null; reason: string | null; ownerEmail: string | null }
export interface TargetRow { month: string; amount: number }

export type ParsedRow<T> = { ok: true; value: T } | { ok: false; violations: ImportViolation[] };

/** Without the import's clock only the lower bound applies (the latest instant a Date can hold). */
const FAR_FUTURE = new Date(8.64e15 - MAX_FUTURE_SKEW_MS);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** An ISO-8601 instant with an offset or Z (2025-02-03T09:59:00Z); anything else is null. */
export function parseIsoInstant(value: string): Date | null {
  try {
    return parseInstant(value, 'value');
  } catch {
    return null;
  }
}

/** Collects the violations of one row while reading its fields. */
class RowReader {
  readonly violations: ImportViolation[] = [];
  /** `now`: the import's clock; instants of things that happened must lie in the sane range before it. */
  constructor(private readonly row: RawRow, private readonly now: Date | undefined) {}

  text(field: string): string | null {
    const v = this.row[field];
    if (v === undefined || v === null) return null;
    const t = String(v).trim();
    return t === '' ? null : t;
  }
  required(field: string): string {
    const v = this.text(field);
    if (v === null) this.add(field, 'REQUIRED', `${field} is required`);
    return v ?? '';
  }
  add(field: string, rule: string, message: string): void {
    this.violations.push({ field, rule, message });
  }
  email(field: string, required: boolean): string | null {
    const v = required ? this.required(field) : this.text(field);
    if (!v) return null;
    if (!EMAIL.test(v)) {
      this.add(field, 'EMAIL', `'${v}' is not an e-mail address`);
      return null;
    }
    return v.toLowerCase();
  }
  instant(field: string, required: boolean): Date | null {
    const v = required ? this.required(field) : this.text(field);
    if (!v) return null;
    const d = parseIsoInstant(v);
    if (!d) this.add(field, 'ISO_INSTANT_WITH_OFFSET', `'${v}' is not an ISO-8601 instant with an offset (e.g. 2025-02-03T09:59:00Z)`);
    return d;
  }
  /** An instant at which something happened: also not before 1970 and not ahead of the import's clock (domain range rule). */
  happened(field: string, required: boolean): Date | null {
    const d = this.instant(field, required);
    if (!d) return d;
    const out = instantRangeViolation(d, this.now ?? FAR_FUTURE, field);
    if (out) {
      this.add(field, out.rule, `${field} ${out.message}`);
      return null;
    }
    return d;
  }
  oneOf<T extends string>(field: string, values: readonly T[], required: boolean): T | null {
    const v = required ? this.required(field) : this.text(field);
    if (!v) return null;
    const upper = v.toUpperCase();
    if (!(values as readonly string[]).includes(upper)) {
      this.add(field, 'KNOWN_VALUE', `'${v}' is not one of ${values.join(', ')}`);
      return null;
    }
    return upper as T;
  }
  number(field: string, required: boolean, opts: { integer?: boolean; min?: number; positive?: boolean } = {}): number | null {
    const v = required ? this.required(field) : this.text(field);
    if (!v) return null;
    const n = Number(v);
    if (!/^-?\d+(\.\d+)?$/.test(v) || !Number.isFinite(n) || (opts.integer && !Number.isInteger(n))) {
      this.add(field, opts.integer ? 'INTEGER' : 'NUMBER', `'${v}' is not ${opts.integer ? 'an integer' : 'a number'}`);
      return null;
    }
    if (opts.positive && n <= 0) {
      this.add(field, 'POSITIVE', `${field} must be greater than 0, got ${v}`);
      return null;
    }
    if (opts.min !== undefined && n < opts.min) {
      this.add(field, 'NON_NEGATIVE', `${field} must not be negative, got ${v}`);
      return null;
    }
    return n;
  }
  bool(field: string): boolean {
    const v = this.text(field);
    if (v === null) return false;
    const l = v.toLowerCase();
    if (['true', 'yes', '1', 'y'].includes(l)) return true;
    if (['false', 'no', '0', 'n'].includes(l)) return false;
    this.add(field, 'BOOLEAN', `'${v}' is not true or false`);
    return false;
  }
  result<T>(value: T): ParsedRow<T> {
    return this.violations.length ? { ok: false, violations: this.violations } : { ok: true, value };
  }
}

function utmOf(r: RowReader): Record<string, string> {
  const utm: Record<string, string> = {};
  for (const k of ['source', 'medium', 'campaign']) {
    const v = r.text(`utm_${k}`);
    if (v) utm[k] = v;
  }
  return utm;
}

export function parsePersonRow(row: RawRow, now?: Date): ParsedRow<PersonRow> {
  const r = new RowReader(row, now);
  const value: PersonRow = {
    email: r.email('email', true) ?? '',
    firstName: r.text('first_name'),
    lastName: r.text('last_name'),
    company: r.text('company'),
    title: r.text('title'),
    industry: r.text('industry'),
    companySize: r.number('company_size', false, { integer: true, min: 0 }),
    country: r.text('country'),
    source: r.text('source') ?? 'UNKNOWN',
    utm: utmOf(r),
    createdAt: r.happened('created_at', true) as Date,
  };
  return r.result(value);
}

export function parseAccountRow(row: RawRow, now?: Date): ParsedRow<AccountRow> {
  const r = new RowReader(row, now);
  const domain = r.required('domain').toLowerCase();
  if (domain && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) r.add('domain', 'DOMAIN', `'${domain}' is not a domain name`);
  return r.result({ domain, name: r.required('name'), industry: r.text('industry'), companySize: r.number('company_size', false, { integer: true, min: 0 }), ownerEmail: r.email('owner_email', false) });
}

export function parseTouchpointRow(row: RawRow, now?: Date): ParsedRow<TouchpointRow> {
  const r = new RowReader(row, now);
  return r.result({
    email: r.email('email', true) ?? '',
    occurredAt: r.happened('occurred_at', true) as Date,
    type: r.oneOf('type', ENGAGEMENT_TYPES, true) ?? '',
    channel: r.text('channel'),
    campaign: r.text('campaign'),
    utm: utmOf(r),
    url: r.text('url'),
    contentTitle: r.text('content_title'),
  });
}

export function parseLifecycleRow(row: RawRow, now?: Date): ParsedRow<LifecycleRow> {
  const r = new RowReader(row, now);
  const event = r.oneOf('event', LIFECYCLE_EVENTS, true);
  const value: LifecycleRow = {
    email: r.email('email', true) ?? '',
    occurredAt: r.happened('occurred_at', true) as Date,
    event: event as LifecycleEvent,
    ownerEmail: r.email('owner_email', false),
    code: null,
    note: r.text('note'),
    channel: null,
    outcome: null,
    loggedAt: r.happened('logged_at', false),
    hot: r.bool('hot'),
    demoRequest: r.bool('demo_request'),
    score: r.number('score', false, { min: 0 }),
    missingFields: [],
    reengageAt: r.instant('reengage_at', false),
  };
  if (event === 'REJECTED') value.code = r.oneOf('code', REJECTION_CODES, true);
  else if (event === 'DISQUALIFIED') value.code = r.oneOf('code', DISQUALIFICATION_REASONS, true);
  else if (event === 'RECYCLED') value.code = r.oneOf('code', RECYCLE_REASONS, true);
  if (event === 'SALES_TOUCH') {
    value.channel = r.oneOf('channel', TOUCH_CHANNELS, true);
    value.outcome = r.oneOf('outcome', TOUCH_OUTCOMES, true);
    if (value.loggedAt && value.occurredAt && value.loggedAt < value.occurredAt) r.add('logged_at', 'NOT_BEFORE_OCCURRED_AT', 'logged_at must not be before occurred_at');
  }
  if (event === 'MQL') {
    const missing = (r.text('missing_fields') ?? '').split('|').map((s) => s.trim()).filter(Boolean);
    for (const f of missing) if (!(REQUIRED_FIELD_NAMES as readonly string[]).includes(f)) r.add('missing_fields', 'KNOWN_VALUE', `'${f}' is not one of ${REQUIRED_FIELD_NAMES.join(', ')}`);
    value.missingFields = missing;
  }
  if (event === 'REASSIGNED' && !value.ownerEmail) r.add('owner_email', 'REQUIRED', 'REASSIGNED needs the new owner');
  return r.result(value);
}

export function parseOpportunityRow(row: RawRow, now?: Date): ParsedRow<OpportunityRow> {
  const r = new RowReader(row, now);
  const status = r.oneOf('status', OPPORTUNITY_STATUSES, true);
  const createdAt = r.happened('created_at', true) as Date;
  const closedAt = r.happened('closed_at', false);
  if ((status === 'WON' || status === 'LOST') && !closedAt && !r.violations.some((v) => v.field === 'closed_at')) r.add('closed_at', 'REQUIRED', `a ${status} opportunity needs closed_at`);
  if (status === 'OPEN' && closedAt) r.add('closed_at', 'OPEN_NOT_CLOSED', 'an OPEN opportunity has no closed_at');
  if (closedAt && createdAt && closedAt < createdAt) r.add('closed_at', 'NOT_BEFORE_CREATED_AT', 'closed_at must not be before created_at');
  return r.result({
    email: r.email('email', true) ?? '',
    createdAt,
    amount: r.number('amount', true, { min: 0 }) as number,
    expectedCloseAt: r.instant('expected_close_at', true) as Date,
    status: status as OpportunityRow['status'],
    closedAt,
    reason: r.text('reason'),
    ownerEmail: r.email('owner_email', false),
  });
}

export function parseTargetRow(row: RawRow, now?: Date): ParsedRow<TargetRow> {
  const r = new RowReader(row, now);
  const month = r.required('month');
  if (month && !MONTH.test(month)) r.add('month', 'YEAR_MONTH', `'${month}' is not a month (YYYY-MM)`);
  return r.result({ month, amount: r.number('revenue_target', true, { positive: true }) as number });
}

export const ROW_PARSERS = {
  people: parsePersonRow,
  accounts: parseAccountRow,
  touchpoints: parseTouchpointRow,
  lifecycle: parseLifecycleRow,
  opportunities: parseOpportunityRow,
  targets: parseTargetRow,
} as const;

/** The key that must be unique inside one file (email-based: the lead id is not known yet). */
export function fileKey(type: ImportFileType, row: PersonRow | AccountRow | TouchpointRow | LifecycleRow | OpportunityRow | TargetRow): string {
  switch (type) {
    case 'people':
      return (row as PersonRow).email;
    case 'accounts':
      return (row as AccountRow).domain;
    case 'touchpoints': {
      const t = row as TouchpointRow;
      return `${t.email}|${t.occurredAt.getTime()}|${t.type}`;
    }
    case 'lifecycle': {
      const l = row as LifecycleRow;
      // Touches are keyed by (lead, rep, instant), the rest by (lead, event, instant).
      return `${l.email}|${l.event}|${l.occurredAt.getTime()}${l.event === 'SALES_TOUCH' ? `|${l.ownerEmail ?? ''}` : ''}`;
    }
    case 'opportunities': {
      const o = row as OpportunityRow;
      return `${o.email}|${o.createdAt.getTime()}`;
    }
    case 'targets':
      return (row as TargetRow).month;
  }
}

/** The file type a file name stands for (people.csv, lifecycle.ndjson, ...), or null. */
export function fileTypeOf(fileName: string): { type: ImportFileType; format: 'csv' | 'ndjson' } | null {
  const m = /(?:^|[\\/])([a-z]+)\.(csv|ndjson)$/i.exec(fileName);
  if (!m) return null;
  const type = m[1].toLowerCase();
  return (IMPORT_FILE_TYPES as readonly string[]).includes(type) ? { type: type as ImportFileType, format: m[2].toLowerCase() as 'csv' | 'ndjson' } : null;
}
