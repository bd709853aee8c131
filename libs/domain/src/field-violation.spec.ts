import { DomainRuleError, violation } from './field-violation';

describe('DomainRuleError', () => {
  it('is an Error that carries a stable code and the violated fields', () => {
    const e = new DomainRuleError('INVALID_CALENDAR', 'bad', [violation('timeZone', 'IANA_TIME_ZONE', 'unknown zone')]);
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(DomainRuleError);
    expect(e.name).toBe('DomainRuleError');
    expect(e.code).toBe('INVALID_CALENDAR');
    expect(e.violations).toEqual([{ field: 'timeZone', rule: 'IANA_TIME_ZONE', message: 'unknown zone' }]);
  });
});
