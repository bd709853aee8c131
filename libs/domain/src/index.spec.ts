import * as domain from './index';

describe('libs/domain barrel', () => {
  it('exports every rule the API and the workflows use', () => {
    for (const fn of [
      'validateStageDefinition', 'validateCalendar', 'isOpen', 'nextOpening', 'addBusinessMinutes', 'businessMinutesBetween',
      'endOfBusinessDay', 'startOfBusinessDay', 'addBusinessDays', 'scoreIntent', 'evaluateFit', 'evaluateTriggers',
      'evaluateHandoff', 'requiredFieldsMissing', 'firstTouchSlaKind', 'slaDueAt', 'classifyClock', 'planCadence',
      'cadenceProgress', 'canDisqualify', 'chooseRep', 'recycleDecision',
    ]) {
      expect(typeof (domain as Record<string, unknown>)[fn]).toBe('function');
    }
    expect(domain.DEFAULT_STAGE_DEFINITION_V1.scoring.mqlThreshold).toBe(85);
    expect(domain.SLA_KINDS).toContain('TOUCH_LOGGING');
  });
});
