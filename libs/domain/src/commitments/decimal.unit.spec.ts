import fc from 'fast-check';
import {
  addDecimals,
  compareDecimals,
  fromScaled,
  InvalidDecimal,
  isDecimal,
  MAX_FRACTION_DIGITS,
  normalizeDecimal,
  subtractDecimals,
  toScaled,
} from './decimal';

describe('decimal', () => {
  it.each([
    ['600000000', 600000000_000000n],
    ['0.5', 500000n],
    ['0.000001', 1n],
    ['-1.25', -1250000n],
    ['007.500', 7500000n],
    ['123456789012345678901234567890', 123456789012345678901234567890_000000n],
  ])('reads %s exactly', (text, units) => {
    expect(toScaled(text)).toBe(units);
    expect(isDecimal(text)).toBe(true);
  });

  it.each([
    ['0.1234567', 'too many fraction digits'],
    ['1.', 'dot without fraction'],
    ['.5', 'fraction without whole'],
    ['+1', 'explicit plus'],
    ['1e6', 'exponent'],
    ['1,000', 'grouping'],
    [' 1', 'whitespace'],
    ['', 'empty'],
    ['NaN', 'not a number'],
  ])('rejects %s (%s)', (text) => {
    expect(() => toScaled(text)).toThrow(InvalidDecimal);
    expect(isDecimal(text)).toBe(false);
  });

  it('rejects numbers, which have already lost precision', () => {
    expect(() => toScaled(0.1 as unknown as string)).toThrow(InvalidDecimal);
    expect(isDecimal(600)).toBe(false);
    expect(isDecimal(undefined)).toBe(false);
    expect(isDecimal(null)).toBe(false);
  });

  it('normalizes to the shortest text', () => {
    expect(normalizeDecimal('007.500')).toBe('7.5');
    expect(normalizeDecimal('-0.000')).toBe('0');
    expect(normalizeDecimal('100')).toBe('100');
  });

  it('adds without float drift', () => {
    expect(addDecimals('0.1', '0.2')).toBe('0.3');
    expect(subtractDecimals('600000000', '0.000001')).toBe('599999999.999999');
    expect(subtractDecimals('1', '1.5')).toBe('-0.5');
  });

  it('compares by value, not by text', () => {
    expect(compareDecimals('10', '9.999999')).toBe(1);
    expect(compareDecimals('1.50', '1.5')).toBe(0);
    expect(compareDecimals('-2', '1')).toBe(-1);
  });

  const scaled = fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n });

  it('writes every scaled value so that it reads back the same', () => {
    fc.assert(
      fc.property(scaled, (units) => {
        const text = fromScaled(units);
        expect(toScaled(text)).toBe(units);
        expect(normalizeDecimal(text)).toBe(text);
        const fraction = text.split('.')[1] ?? '';
        expect(fraction.length).toBeLessThanOrEqual(MAX_FRACTION_DIGITS);
      }),
    );
  });

  it('adds, subtracts and compares as bigint arithmetic on scaled values', () => {
    fc.assert(
      fc.property(scaled, scaled, (a, b) => {
        const [x, y] = [fromScaled(a), fromScaled(b)];
        expect(toScaled(addDecimals(x, y))).toBe(a + b);
        expect(toScaled(subtractDecimals(x, y))).toBe(a - b);
        expect(compareDecimals(x, y)).toBe(a < b ? -1 : a > b ? 1 : 0);
      }),
    );
  });
});
