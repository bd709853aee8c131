import { csvLine, CsvParser, CsvSyntaxError, parseCsv } from './csv';

describe('CSV parser (RFC 4180, streaming)', () => {
  it('parses quotes, escaped quotes, commas and line breaks inside fields, CRLF and LF', () => {
    const recs = parseCsv('a,b,c\r\n"x, y","say ""hi""","two\nlines"\n1,,3');
    expect(recs.map((r) => r.fields)).toEqual([['a', 'b', 'c'], ['x, y', 'say "hi"', 'two\nlines'], ['1', '', '3']]);
    expect(recs.map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it('gives the same records whatever the chunking', () => {
    const text = 'email,note\r\n"a@x.test","he said ""no"", twice"\r\nb@x.test,plain\r\n';
    const whole = parseCsv(text).map((r) => r.fields);
    for (let size = 1; size < 8; size++) {
      const p = new CsvParser();
      const out = [];
      for (let i = 0; i < text.length; i += size) out.push(...p.push(text.slice(i, i + size)));
      out.push(...p.end());
      expect(out.map((r) => r.fields)).toEqual(whole);
    }
  });

  it('rejects an unterminated quote and text after a closing quote', () => {
    expect(() => parseCsv('a\n"open')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('a\n"closed"x')).toThrow(CsvSyntaxError);
  });

  it('writes lines that parse back', () => {
    const values = ['plain', 'with,comma', 'with "quote"', 'multi\nline', null, 42];
    expect(parseCsv(csvLine(values))[0].fields).toEqual(['plain', 'with,comma', 'with "quote"', 'multi\nline', '', '42']);
  });
});
