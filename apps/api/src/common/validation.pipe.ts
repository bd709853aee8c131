import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldViolation } from '../../../../libs/contracts/src';
import { badInput } from './errors';

export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldViolation[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([rule, message]) => ({ field, rule, message }));
    return [...own, ...flattenValidationErrors(e.children ?? [], field)];
  });
}

/** class-validator on every input DTO; failures become BAD_USER_INPUT naming each field. */
export const batonValidationPipe = new ValidationPipe({
  whitelist: true,
  forbidUnknownValues: true,
  transform: true,
  exceptionFactory: (errors) => badInput(flattenValidationErrors(errors)),
});
