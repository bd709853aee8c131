import { DomainRuleError } from '../field-violation';
import { DEFAULT_KPI_TARGETS, defaultTargetStatus, ragStatus } from './targets';

describe('DEFAULT_KPI_TARGETS', () => {
  it('holds the brief defaults and cannot be changed', () => {
    expect(DEFAULT_KPI_TARGETS).toEqual({
      SPEED_TO_LEAD_HOT: { target: 120, direction: 'BELOW', unit: 'BUSINESS_MINUTES' },
      ACCEPTANCE_RATE: { target: 0.9, direction: 'ABOVE', unit: 'RATIO' },
      MQL_TO_SQL: { target: 0.25, direction: 'ABOVE', unit: 'RATIO' },
      LEAD_TO_OPPORTUNITY: { target: 0.2, direction: 'ABOVE', unit: 'RATIO' },
      PIPELINE_COVERAGE: { target: 3, direction: 'AT_LEAST', unit: 'MULTIPLE' },
    });
    expect(Object.isFrozen(DEFAULT_KPI_TARGETS) && Object.isFrozen(DEFAULT_KPI_TARGETS.ACCEPTANCE_RATE)).toBe(true);
  });
});

describe('ragStatus (amber = missed by at most 10 % of the target)', () => {
  it('higher is better, strict: 90 % is not above 90 %; amber down to 81 %', () => {
    expect([0.95, 0.9, 0.85, 0.81, 0.8099].map((v) => ragStatus(v, 0.9, 'ABOVE'))).toEqual(['GREEN', 'AMBER', 'AMBER', 'AMBER', 'RED']);
  });

  it('lower is better, strict: 120 business minutes is not below 120; amber up to 132', () => {
    expect([119.9, 120, 132, 132.01].map((v) => ragStatus(v, 120, 'BELOW'))).toEqual(['GREEN', 'AMBER', 'AMBER', 'RED']);
    expect([120, 130, 140].map((v) => ragStatus(v, 120, 'AT_MOST'))).toEqual(['GREEN', 'AMBER', 'RED']);
  });

  it('inclusive target: coverage 3 is green; amber down to 2.7', () => {
    expect([3, 2.7, 2.69].map((v) => ragStatus(v, 3, 'AT_LEAST'))).toEqual(['GREEN', 'AMBER', 'RED']);
  });

  it('float noise at the band edge stays amber (0.2 - 0.02 = 0.18000000000000002)', () => {
    expect(ragStatus(0.18, 0.2, 'ABOVE')).toBe('AMBER');
    expect(ragStatus(0.1799, 0.2, 'ABOVE')).toBe('RED');
  });

  it('NONE without a value or a target; a band of 0 makes every miss red', () => {
    expect(ragStatus(null, 0.9, 'ABOVE')).toBe('NONE');
    expect(ragStatus(0.5, undefined, 'ABOVE')).toBe('NONE');
    expect(ragStatus(0.89, 0.9, 'ABOVE', 0)).toBe('RED');
    expect(ragStatus(0.75, 0.9, 'ABOVE', 0.2)).toBe('AMBER');
  });

  it('refuses an unknown direction or a negative band', () => {
    expect(() => ragStatus(1, 1, 'SIDEWAYS' as never)).toThrow(DomainRuleError);
    expect(() => ragStatus(1, 1, 'ABOVE', -0.1)).toThrow(/amberBand/);
  });

  it('applies the defaults by KPI', () => {
    expect(defaultTargetStatus('ACCEPTANCE_RATE', 0.92)).toBe('GREEN');
    expect(defaultTargetStatus('MQL_TO_SQL', 0.24)).toBe('AMBER');
    expect(defaultTargetStatus('SPEED_TO_LEAD_HOT', 150)).toBe('RED');
    expect(defaultTargetStatus('PIPELINE_COVERAGE', null)).toBe('NONE');
  });
});
