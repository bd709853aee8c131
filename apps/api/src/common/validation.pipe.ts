import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { FieldViolation } from '../../../../libs/contracts/src';
import { inputViolations } from '../../../../libs/domain/src/input-rules';
import { useStrictDateTime } from './date-time.scalar';
import { badInput } from './errors';

useStrictDateTime();

/**
 * How an unknown key is named in an error: a key that does not look like a property name (a
 * form post's whole body, a double-encoded body) is never echoed back; its parent is named.
 */
export function unknownKeyField(key: string, parent: string): string {
  if (!/^[A-Za-z_$][\w$]{0,63}$/.test(key)) return parent || 'body';
  return parent ? `${parent}.${key}` : key;
}

export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldViolation[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints?.whitelistValidation) {
      return [{ field: unknownKeyField(e.property, prefix), rule: 'whitelistValidation', message: 'is not a known property' }];
    }
    const own = Object.entries(e.constraints ?? {}).map(([rule, message]) => ({ field, rule, message }));
    return [...own, ...flattenValidationErrors(e.children ?? [], field)];
  });
}

/**
 * Arguments answered item by item (a batch's REJECTED results): each item is checked by
 * `checkInput` where it is handled, so one bad event does not refuse the batch.
 */
const CHECKED_PER_ITEM = new Set(['inputs']);

/** Fields of the `input` argument are named without it (`company`); other arguments by name (`period.to`). */
const prefixOf = (argument: string) => (argument === 'input' ? '' : argument);

/**
 * The one input discipline of the API: every GraphQL argument obeys the input rules (text,
 * numbers, instants, nesting: libs/domain/src/input-rules.ts), then class-validator on its
 * DTO; failures become BAD_USER_INPUT naming each field, before any resolver runs.
 */
@Injectable()
export class BatonValidationPipe extends ValidationPipe {
  constructor() {
    super({ whitelist: true, forbidUnknownValues: true, transform: true, exceptionFactory: (errors) => badInput(flattenValidationErrors(errors)) });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Named @Args only: an HTTP body (the webhook's) is checked by its controller with checkInput.
    if (metadata.type === 'body' && typeof metadata.data === 'string' && !CHECKED_PER_ITEM.has(metadata.data)) {
      const violations = inputViolations(value, prefixOf(metadata.data));
      if (violations.length) throw badInput(violations);
    }
    return super.transform(value, metadata);
  }
}

export const batonValidationPipe = new BatonValidationPipe();

/**
 * The same discipline for a value that does not arrive as a GraphQL argument (a webhook body,
 * an item of a batch): the input rules on the raw JSON (which is not transformed when it breaks
 * them), then the DTO's rules and the input rules on the instants the DTO reads from its text.
 * Fields are named below `at` (`inputs[3].utm.source`).
 */
export async function checkInput<T extends object>(dto: ClassConstructor<T>, plain: unknown, at = ''): Promise<{ input: T; violations: FieldViolation[] }> {
  const raw = inputViolations(plain, at);
  if (raw.length) return { input: Object.create(dto.prototype) as T, violations: raw };
  const input = plainToInstance(dto, plain);
  const own = flattenValidationErrors(await validate(input, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }), at);
  const instants = inputViolations(input, at).filter((v) => !own.some((o) => o.field === v.field));
  return { input, violations: [...own, ...instants] };
}
