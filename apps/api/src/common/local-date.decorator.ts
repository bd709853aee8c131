import { ValidateBy } from 'class-validator';
import { isLocalDate, LOCAL_DATE_MAX, LOCAL_DATE_MIN, localDateRangeViolation } from '../../../../libs/domain/src';

/** A local date YYYY-MM-DD from LOCAL_DATE_MIN to LOCAL_DATE_MAX (docs/input.md). */
export const IsLocalDate = () =>
  ValidateBy({
    name: 'LOCAL_DATE',
    validator: {
      validate: (value) => isLocalDate(value) && localDateRangeViolation('', value) === null,
      defaultMessage: () => `must be a date as YYYY-MM-DD from ${LOCAL_DATE_MIN} to ${LOCAL_DATE_MAX}`,
    },
  });
