import { DomainRuleError } from '../field-violation';
import { mean, median, percentileCont } from './stats';

describe('percentileCont (as PostgreSQL percentile_cont)', () => {
  it('interpolates linearly between the rows around p x (n - 1)', () => {
    // position 0.9 x 3 = 2.7 -> 3 + 0.7 x (4 - 3)
    expect(percentileCont([1, 2, 3, 4], 0.9)).toBeCloseTo(3.7, 12);
    expect(percentileCont([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentileCont([1, 2, 3, 4], 0.25)).toBe(1.75);
  });

  it('sorts the values itself and does not reorder the input', () => {
    const values = [10, 0, 5];
    expect(percentileCont(values, 0.9)).toBeCloseTo(9, 12); // position 1.8 -> 5 + 0.8 x 5
    expect(values).toEqual([10, 0, 5]);
  });

  it('returns the row itself when the position is whole, min at 0, max at 1', () => {
    expect(percentileCont([30, 10, 20], 0.5)).toBe(20);
    expect(percentileCont([30, 10, 20], 0)).toBe(10);
    expect(percentileCont([30, 10, 20], 1)).toBe(30);
    expect(percentileCont([7], 0.9)).toBe(7);
  });

  it('is null for no values and refuses p outside [0, 1] or non-finite values', () => {
    expect(percentileCont([], 0.5)).toBeNull();
    expect(() => percentileCont([1], 1.5)).toThrow(DomainRuleError);
    expect(() => percentileCont([1], Number.NaN)).toThrow(/not between 0 and 1/);
    expect(() => percentileCont([1, Number.NaN], 0.5)).toThrow(/values\[1\]/);
  });
});

describe('median and mean', () => {
  it('median of an even count is the midpoint; mean is the average; both null when empty', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
    expect(mean([1, 2, 3, 10])).toBe(4);
    expect(mean([])).toBeNull();
  });
});
