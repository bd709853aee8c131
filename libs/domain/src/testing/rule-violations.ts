import { DomainRuleError } from '../field-violation';

/**
 * For specs: runs `fn`, expects it to throw a DomainRuleError (with `code`, when given) and
 * returns its violations as `field:rule`, so a spec can assert exactly which rules fired.
 */
export function violationsOf(fn: () => unknown, code?: string): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainRuleError);
    if (code !== undefined) expect((e as DomainRuleError).code).toBe(code);
    return (e as DomainRuleError).violations.map((v) => `${v.field}:${v.rule}`);
  }
  throw new Error('expected a DomainRuleError');
}
