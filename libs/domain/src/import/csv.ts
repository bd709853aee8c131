/**
 * A streaming RFC 4180 CSV parser: feed it chunks of text as they arrive, get back the
 * records completed so far. Quoted fields may hold commas, quotes ("" = one quote) and line
 * breaks; records end at CRLF or LF. Each record carries the line it starts on, so rejections
 * name the row a person finds in an editor (the header is line 1).
 */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

export class CsvParser {
  private field = '';
  private fields: string[] = [];
  private quoted = false;
  /** Inside a quoted field. */
  private inQuotes = false;
  /** The previous character closed a quote (or was the first quote of a "" pair). */
  private quotePending = false;
  private pendingCr = false;
  private line = 1;
  private recordLine = 1;
  private started = false;

  /** Parses a chunk; returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (this.pendingCr) {
        this.pendingCr = false;
        if (c === '\n') continue;
      }
      if (!this.started) {
        this.started = true;
        this.recordLine = this.line;
      }
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (c === '"') {
            this.field += '"';
            continue;
          }
          this.inQuotes = false; // the quote closed the field: fall through to the unquoted handling
        } else if (c === '"') {
          this.quotePending = true;
          continue;
        } else {
          if (c === '\n') this.line++;
          else if (c === '\r') {
            this.line++;
            if (chunk[i + 1] === '\n') {
              this.field += '\r\n';
              i++;
              continue;
            }
          }
          this.field += c;
          continue;
        }
      }
      if (c === ',') {
        this.endField();
      } else if (c === '\n' || c === '\r') {
        this.endField();
        out.push({ line: this.recordLine, fields: this.fields });
        this.fields = [];
        this.started = false;
        this.line++;
        if (c === '\r') this.pendingCr = true;
      } else if (c === '"' && this.field === '' && !this.quoted) {
        this.inQuotes = true;
        this.quoted = true;
      } else {
        if (this.quoted) throw new CsvSyntaxError(this.recordLine, `line ${this.line}: text after a closing quote`);
        this.field += c;
      }
    }
    return out;
  }

  /** Flushes the last record (a file need not end with a line break). */
  end(): CsvRecord[] {
    if (this.inQuotes && !this.quotePending) throw new CsvSyntaxError(this.recordLine, `line ${this.recordLine}: unterminated quoted field`);
    this.inQuotes = false;
    this.quotePending = false;
    if (!this.started) return [];
    this.endField();
    const rec = { line: this.recordLine, fields: this.fields };
    this.fields = [];
    this.started = false;
    return [rec];
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.quoted = false;
  }
}

/** Parses a whole CSV text (tests, small files). */
export function parseCsv(text: string): CsvRecord[] {
  const p = new CsvParser();
  return [...p.push(text), ...p.end()];
}

/** One CSV line (RFC 4180 quoting where needed), without the line break. */
export function csvLine(values: readonly (string | number | boolean | null | undefined)[]): string {
  return values
    .map((v) => {
      const s = v === null || v === undefined ? '' : String(v);
      return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(',');
}
