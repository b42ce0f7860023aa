import { effectiveUntil, formatEffectiveTime, InvalidEffectiveTime, parseEffectiveTime } from '../shared/effective-time';

describe('parseEffectiveTime', () => {
  it.each([
    ['2018', '2018-01-01T00:00:00.000Z', 'year'],
    ['2022-12', '2022-12-01T00:00:00.000Z', 'month'],
    ['2021-09-09', '2021-09-09T00:00:00.000Z', 'day'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z', 'day'],
    ['2021-09-09T12:00:00Z', '2021-09-09T12:00:00.000Z', 'instant'],
    ['2021-09-09T12:00Z', '2021-09-09T12:00:00.000Z', 'instant'],
    ['2021-09-09T15:30:00+03:00', '2021-09-09T12:30:00.000Z', 'instant'],
    ['2021-09-09T12:00:00.123456789Z', '2021-09-09T12:00:00.123Z', 'instant'],
    ['  2021  ', '2021-01-01T00:00:00.000Z', 'year'],
  ])('reads %s as %s at %s precision', (input, at, precision) => {
    expect(parseEffectiveTime(input)).toEqual({ at, precision });
  });

  it.each([
    ['2021-13', 'month 13'],
    ['2021-00', 'month 0'],
    ['2021-02-30', 'no 30 February'],
    ['2023-02-29', 'not a leap year'],
    ['2021-09-31T10:00:00Z', 'no 31 September, even as an instant'],
    ['2021-09-09T12:00:00', 'local time without a zone'],
    ['2021-09-09 12:00:00Z', 'space instead of T'],
    ['21', 'two-digit year'],
    ['2021-9', 'one-digit month'],
    ['September 2021', 'prose'],
    ['', 'empty'],
  ])('rejects %s (%s)', (input) => {
    expect(() => parseEffectiveTime(input)).toThrow(InvalidEffectiveTime);
  });

  it('keeps the rejected input on the error', () => {
    expect(() => parseEffectiveTime('2021-13')).toThrow(expect.objectContaining({ input: '2021-13' }));
  });
});

describe('effectiveUntil', () => {
  it.each([
    ['2021', '2022-01-01T00:00:00.000Z'],
    ['2022-12', '2023-01-01T00:00:00.000Z'],
    ['2024-02', '2024-03-01T00:00:00.000Z'],
    ['2021-12-31', '2022-01-01T00:00:00.000Z'],
    ['2021-09-09T12:00:00Z', '2021-09-09T12:00:00.001Z'],
  ])('the period of %s ends before %s', (input, until) => {
    expect(effectiveUntil(parseEffectiveTime(input))).toBe(until);
  });
});

describe('formatEffectiveTime', () => {
  it.each([
    ['2021', '2021'],
    ['2021-09', '2021-09'],
    ['2021-09-09', '2021-09-09'],
    ['2021-09-09T15:30:00+03:00', '2021-09-09T12:30:00.000Z'],
  ])('states %s as %s', (input, text) => {
    expect(formatEffectiveTime(parseEffectiveTime(input))).toBe(text);
  });

  it('round-trips partial dates', () => {
    for (const input of ['1991', '1999-12', '2020-08-09']) {
      expect(formatEffectiveTime(parseEffectiveTime(input))).toBe(input);
    }
  });
});
