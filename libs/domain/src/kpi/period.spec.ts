import { DomainRuleError } from '../field-violation';
import { localDateOf } from '../time-zone';
import { inPeriod, periodBounds, reportingPeriod, validatePeriod } from './period';
import { violationsOf } from '../testing/rule-violations';

const iso = (p: { start: Date; end: Date }) => [p.start.toISOString(), p.end.toISOString()];

describe('reportingPeriod', () => {
  const event = new Date('2026-03-10T23:30:00Z');

  it('puts 23:30 UTC on 2026-03-10 on the 10th in New York (19:30 EDT) and on the 11th in Tokyo (08:30)', () => {
    const ny10 = reportingPeriod('2026-03-10', '2026-03-10', 'America/New_York');
    expect(iso(ny10)).toEqual(['2026-03-10T04:00:00.000Z', '2026-03-11T04:00:00.000Z']);
    expect(inPeriod(event, ny10)).toBe(true);
    expect(inPeriod(event, reportingPeriod('2026-03-11', '2026-03-11', 'America/New_York'))).toBe(false);

    const tokyo11 = reportingPeriod('2026-03-11', '2026-03-11', 'Asia/Tokyo');
    expect(iso(tokyo11)).toEqual(['2026-03-10T15:00:00.000Z', '2026-03-11T15:00:00.000Z']);
    expect(inPeriod(event, tokyo11)).toBe(true);
    expect(inPeriod(event, reportingPeriod('2026-03-10', '2026-03-10', 'Asia/Tokyo'))).toBe(false);

    // Same answer as the local date of the instant.
    expect(localDateOf(event, 'America/New_York')).toBe('2026-03-10');
    expect(localDateOf(event, 'Asia/Tokyo')).toBe('2026-03-11');
  });

  it('includes both dates: March in New York starts at EST midnight and ends at EDT midnight', () => {
    expect(iso(reportingPeriod('2026-03-01', '2026-03-31', 'America/New_York'))).toEqual([
      '2026-03-01T05:00:00.000Z',
      '2026-04-01T04:00:00.000Z',
    ]);
  });

  it('is 23 h long on the spring-forward day and 25 h on the fall-back day', () => {
    const spring = reportingPeriod('2026-03-08', '2026-03-08', 'America/New_York');
    expect(iso(spring)).toEqual(['2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z']);
    const fall = reportingPeriod('2026-11-01', '2026-11-01', 'America/New_York');
    expect(iso(fall)).toEqual(['2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z']);
    expect(fall.end.getTime() - fall.start.getTime()).toBe(25 * 3_600_000);
  });

  it('starts a day whose midnight is skipped by DST at its first instant (Santiago, 01:00 -03 on 2026-09-06)', () => {
    const sixth = reportingPeriod('2026-09-06', '2026-09-06', 'America/Santiago');
    expect(sixth.start.toISOString()).toBe('2026-09-06T04:00:00.000Z');
    // The day before ends exactly there: no gap, no overlap.
    expect(reportingPeriod('2026-09-05', '2026-09-05', 'America/Santiago').end.toISOString()).toBe('2026-09-06T04:00:00.000Z');
  });

  it('rejects a period that ends before it starts, a bad date and an unknown zone, naming the fields', () => {
    expect(violationsOf(() => reportingPeriod('2026-03-10', '2026-03-09', 'UTC'))).toEqual(['to:NOT_BEFORE_FROM']);
    expect(violationsOf(() => reportingPeriod('2026-02-30', '2026-03-09', 'Mars/Olympus'))).toEqual(['from:LOCAL_DATE', 'timeZone:IANA_TIME_ZONE']);
  });
});

describe('inPeriod', () => {
  const p = { start: new Date('2026-03-01T00:00:00Z'), end: new Date('2026-04-01T00:00:00Z') };
  it('is half-open: the start belongs, the end does not', () => {
    expect(inPeriod(new Date('2026-03-01T00:00:00Z'), p)).toBe(true);
    expect(inPeriod(new Date('2026-03-31T23:59:59.999Z'), p)).toBe(true);
    expect(inPeriod(new Date('2026-04-01T00:00:00Z'), p)).toBe(false);
    expect(inPeriod(new Date('2026-02-28T23:59:59.999Z'), p)).toBe(false);
  });
});

describe('validatePeriod', () => {
  const d = (s: string) => new Date(s);
  const rules = (start: string, end: string, maxDays: number) => validatePeriod({ start: d(start), end: d(end) }, maxDays).map((v) => `${v.field}:${v.rule}`);

  it('accepts a valid period up to maxDays', () => {
    expect(rules('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z', 31)).toEqual([]);
  });

  it('refuses an end before or equal to the start', () => {
    expect(rules('2026-03-02T00:00:00Z', '2026-03-01T00:00:00Z', 31)).toEqual(['period.end:END_AFTER_START']);
    expect(rules('2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z', 31)).toEqual(['period.end:END_AFTER_START']);
  });

  it('refuses a period longer than maxDays, allowing the hour a DST change adds', () => {
    expect(rules('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z', 30)).toEqual(['period:MAX_DAYS']);
    const november = reportingPeriod('2026-11-01', '2026-11-30', 'America/New_York'); // 30 days + 1 h
    expect(validatePeriod(november, 30)).toEqual([]);
    expect(rules('2026-11-01T00:00:00Z', '2026-12-01T01:00:01Z', 30)).toEqual(['period:MAX_DAYS']);
  });

  it('reports invalid instants and names a custom field', () => {
    expect(validatePeriod({ start: new Date('nope'), end: d('2026-03-01T00:00:00Z') }, 31, 'range').map((v) => `${v.field}:${v.rule}`)).toEqual(['range.start:INSTANT']);
    expect(() => periodBounds({ start: d('2026-03-02T00:00:00Z'), end: d('2026-03-01T00:00:00Z') })).toThrow(DomainRuleError);
  });
});
