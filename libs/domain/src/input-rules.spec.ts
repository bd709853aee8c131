import { inputViolations, MAX_DEPTH, MAX_VALUES, TEXT_MAX_LENGTH } from './input-rules';
import { validateRevenueTarget, validateKpiTarget } from './kpi/target-rules';
import { reportingPeriod } from './kpi/period';
import { DomainRuleError } from './field-violation';

const rules = (value: unknown, at = '') => inputViolations(value, at).map((v) => `${v.field}:${v.rule}`);

describe('input rules', () => {
  it('refuses NUL, other C0 controls and lone surrogates in any text, keeps tab, newline and CR', () => {
    expect(rules({ company: 'a\u0000b', note: 'a\u0007b', title: 'a\ud800b', tail: 'a\udc00', ok: 'line\tone\r\nline two 😀' })).toEqual(['company:TEXT', 'note:TEXT', 'title:TEXT', 'tail:TEXT']);
  });

  it('names nested fields by their full path below the argument', () => {
    expect(rules({ utm: { source: 'a\u0000' }, items: [{ title: 'ok' }, { title: 'x'.repeat(TEXT_MAX_LENGTH + 1) }] }, 'inputs[3]')).toEqual(['inputs[3].utm.source:TEXT', 'inputs[3].items[1].title:MAX_LENGTH']);
  });

  it('refuses numbers that are not finite, too large or vanishingly small', () => {
    expect(rules({ a: 1e308, b: -1e13, c: 5e-324, d: NaN, e: Infinity, ok: [0, -1, 0.5, 1e12, 2_147_483_647] })).toEqual(['a:NUMBER_RANGE', 'b:NUMBER_RANGE', 'c:NUMBER_RANGE', 'd:FINITE', 'e:FINITE']);
  });

  it('refuses invalid instants and instants outside 1970 .. 2100', () => {
    const at = (iso: string) => new Date(iso);
    expect(rules({ a: new Date(NaN), b: at('1969-12-31T23:59:59Z'), c: at('2100-01-01T00:00:00Z'), ok: [at('1970-01-01T00:00:00Z'), at('2099-12-31T23:59:59Z')] })).toEqual(['a:ISO_INSTANT', 'b:INSTANT_RANGE', 'c:INSTANT_RANGE']);
  });

  it('stops at the nesting depth and the value count', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    expect(rules(deep, 'content')).toEqual([`content${'.a'.repeat(MAX_DEPTH + 1)}:MAX_DEPTH`]);
    expect(rules({ wide: Array.from({ length: MAX_VALUES }, () => 1) }, 'content')).toEqual(['content:MAX_VALUES']);
    expect(rules({ ['bad\u0000key']: 1 })).toEqual(['bad\u0000key:TEXT']);
  });
});

describe('ranges of months, money and periods', () => {
  it('accepts months from 2000-01 to 2100-12 and money from a cent to numeric(14,2)', () => {
    const v = (month: string, amount: number) => validateRevenueTarget({ month, amount }).map((x) => `${x.field}:${x.rule}`);
    expect(v('0000-01', 1)).toEqual(['month:MONTH']);
    expect(v('9999-12', 1)).toEqual(['month:MONTH']);
    expect(v('2000-01', 0.01)).toEqual([]);
    expect(v('2100-12', 999_999_999_999.99)).toEqual([]);
    expect(v('2026-01', 1e12)).toEqual(['amount:RANGE']);
    expect(v('2026-01', 0.001)).toEqual(['amount:RANGE']);
  });

  it('refuses a KPI target beyond the number rule', () => {
    expect(validateKpiTarget({ kpi: 'SALES_CYCLE', target: 1e308 }).map((x) => `${x.field}:${x.rule}`)).toEqual(['target:RANGE']);
  });

  it('refuses a period outside 2000-01-01 .. 2100-12-31 naming from and to', () => {
    try {
      reportingPeriod('9999-12-01', '9999-12-31', 'UTC');
      throw new Error('accepted');
    } catch (e) {
      expect((e as DomainRuleError).violations.map((x) => `${x.field}:${x.rule}`)).toEqual(['from:DATE_RANGE', 'to:DATE_RANGE']);
    }
  });
});
