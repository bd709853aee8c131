import { DomainRuleError } from './field-violation';
import { recycleDecision } from './recycle';
import { DEFAULT_STAGE_DEFINITION_V1 } from './stage-definition';

const definition = DEFAULT_STAGE_DEFINITION_V1;
const now = new Date('2026-03-13T12:00:00Z');

describe('recycleDecision', () => {
  it('nurtures UNRESPONSIVE, NO_BUDGET and NO_ACTIVE_PRIORITY for 90 days', () => {
    for (const reason of ['UNRESPONSIVE', 'NO_BUDGET', 'NO_ACTIVE_PRIORITY'] as const) {
      expect(recycleDecision(reason, definition, { now })).toEqual({ action: 'NURTURE', reengageAt: new Date('2026-06-11T12:00:00Z') });
    }
  });

  it("BAD_TIMING takes the rep's date and refuses to guess one", () => {
    const repDate = new Date('2026-09-01T08:00:00Z');
    expect(recycleDecision('BAD_TIMING', definition, { now, repReengageAt: repDate })).toEqual({ action: 'NURTURE', reengageAt: repDate });
    expect(() => recycleDecision('BAD_TIMING', definition, { now })).toThrow(
      expect.objectContaining({ code: 'REENGAGE_DATE_REQUIRED', violations: [expect.objectContaining({ field: 'repReengageAt', rule: 'REQUIRED' })] }),
    );
    expect(() => recycleDecision('BAD_TIMING', definition, { now, repReengageAt: now })).toThrow(DomainRuleError);
  });

  it('WRONG_CONTACT goes to data repair; NOT_ICP and DUPLICATE_ACCOUNT close', () => {
    expect(recycleDecision('WRONG_CONTACT', definition, { now })).toEqual({ action: 'DATA_REPAIR' });
    expect(recycleDecision('NOT_ICP', definition, { now })).toEqual({ action: 'CLOSE' });
    expect(recycleDecision('DUPLICATE_ACCOUNT', definition, { now })).toEqual({ action: 'CLOSE' });
  });

  it('refuses a reason without a policy', () => {
    const noPolicy = { ...definition, recycle: definition.recycle.filter((p) => p.reason !== 'NO_BUDGET') };
    expect(() => recycleDecision('NO_BUDGET', noPolicy, { now })).toThrow(expect.objectContaining({ code: 'NO_RECYCLE_POLICY' }));
  });
});
