import fc from 'fast-check';
import {
  effectiveUntil,
  EffectiveTime,
  formatEffectiveTime,
  instantMillis,
  InvalidEffectiveTime,
  parseEffectiveTime,
  PRECISIONS,
} from '../shared/effective-time';

describe('effective time ranges', () => {
  it('is a precision', () => {
    expect(PRECISIONS).toEqual(['year', 'month', 'day', 'instant', 'range']);
  });

  describe('parseEffectiveTime', () => {
    it.each([
      ['2021-09/2021-10', '2021-09-01T00:00:00.000Z', '2021-11-01T00:00:00.000Z'],
      ['2018/2020', '2018-01-01T00:00:00.000Z', '2021-01-01T00:00:00.000Z'],
      ['2021/2021', '2021-01-01T00:00:00.000Z', '2022-01-01T00:00:00.000Z'],
      ['2021-09-09/2021-09-09', '2021-09-09T00:00:00.000Z', '2021-09-10T00:00:00.000Z'],
      ['2021-12-20/2022-01-05', '2021-12-20T00:00:00.000Z', '2022-01-06T00:00:00.000Z'],
      ['2021/2021-06-15', '2021-01-01T00:00:00.000Z', '2021-06-16T00:00:00.000Z'],
      ['2021-09-15/2021-09', '2021-09-15T00:00:00.000Z', '2021-10-01T00:00:00.000Z'],
      ['2021-06/2021', '2021-06-01T00:00:00.000Z', '2022-01-01T00:00:00.000Z'],
      ['2021-09-09T12:00Z/2021-09-09T18:00:00+03:00', '2021-09-09T12:00:00.000Z', '2021-09-09T15:00:00.001Z'],
      ['2021-09-09T12:00:00Z/2021-09-09T12:00:00Z', '2021-09-09T12:00:00.000Z', '2021-09-09T12:00:00.001Z'],
      ['2021-09-09T12:00:00Z/2021-09-10', '2021-09-09T12:00:00.000Z', '2021-09-11T00:00:00.000Z'],
      ['2021-09-09/2021-09-09T12:00:00Z', '2021-09-09T00:00:00.000Z', '2021-09-09T12:00:00.001Z'],
      ['  2021-09/2021-10  ', '2021-09-01T00:00:00.000Z', '2021-11-01T00:00:00.000Z'],
    ])('reads %s as from %s until %s', (input, at, until) => {
      expect(parseEffectiveTime(input)).toEqual({ at, precision: 'range', until });
    });

    it.each([
      ['2021-10/2021-09', 'ends when it starts'],
      ['2022/2021', 'reversed years'],
      ['2021-09-02/2021-09-01', 'reversed days'],
      ['2021-09-09T12:00:00Z/2021-09-09T11:59:59.999Z', 'ends exactly where it starts'],
      ['2021-09-10/2021-09-09T23:59:59Z', 'ends before it starts'],
      ['2021/', 'no end'],
      ['/2021', 'no start'],
      ['/', 'nothing'],
      ['2021/2022/2023', 'two slashes'],
      ['2021-13/2022', 'bad start'],
      ['2021/2022-02-30', 'bad end'],
      ['2021/P1Y', 'a duration'],
      ['2021-09-09T12:00:00/2021-09-10', 'start without a zone'],
    ])('rejects %s (%s)', (input) => {
      expect(() => parseEffectiveTime(input)).toThrow(InvalidEffectiveTime);
    });

    it('keeps the whole input on the error and says which end is at fault', () => {
      expect(() => parseEffectiveTime('2021/2022-13')).toThrow(
        expect.objectContaining({ input: '2021/2022-13', message: expect.stringContaining('end of the range') }),
      );
    });

    it('gives no until to the other precisions', () => {
      for (const input of ['2021', '2021-09', '2021-09-09', '2021-09-09T12:00:00Z']) {
        expect(parseEffectiveTime(input)).not.toHaveProperty('until');
      }
    });
  });

  describe('effectiveUntil', () => {
    it('is the until of a range', () => {
      expect(effectiveUntil(parseEffectiveTime('2021-09/2021-10'))).toBe('2021-11-01T00:00:00.000Z');
    });

    it('ignores an until on other precisions', () => {
      const time: EffectiveTime = { at: '2021-01-01T00:00:00.000Z', precision: 'year', until: '2030-01-01T00:00:00.000Z' };
      expect(effectiveUntil(time)).toBe('2022-01-01T00:00:00.000Z');
    });

    it('refuses a range without until', () => {
      expect(() => effectiveUntil({ at: '2021-01-01T00:00:00.000Z', precision: 'range' })).toThrow(/no valid until/);
    });
  });

  describe('formatEffectiveTime', () => {
    it.each([
      ['2021-09/2021-10', '2021-09/2021-10'],
      ['2018/2020', '2018/2020'],
      ['2021-01/2021-12', '2021/2021'],
      ['2021-01-01/2021-01-31', '2021/2021-01'],
      ['2021-09-09/2021-09-09', '2021-09-09/2021-09-09'],
      ['2021-12-20/2022-01-05', '2021-12-20/2022-01-05'],
      ['2021-09-01T00:00Z/2021-09-30T23:59:59.999Z', '2021-09/2021-09'],
      ['2021-09-09T12:00Z/2021-09-09T18:00:00+03:00', '2021-09-09T12:00:00.000Z/2021-09-09T15:00:00.000Z'],
      ['2021-09-09T12:00:00Z/2021-09-10', '2021-09-09T12:00:00.000Z/2021-09-10'],
    ])('states %s as %s', (input, text) => {
      expect(formatEffectiveTime(parseEffectiveTime(input))).toBe(text);
    });

    it('writes text that parses back to the same range', () => {
      const point = fc
        .tuple(
          fc.constantFrom('year', 'month', 'day', 'instant'),
          fc.date({ min: new Date('2018-01-01T00:00:00Z'), max: new Date('2023-12-31T23:59:59.999Z'), noInvalidDate: true }),
        )
        .map(([precision, date]) => {
          const iso = date.toISOString();
          return precision === 'year'
            ? iso.slice(0, 4)
            : precision === 'month'
              ? iso.slice(0, 7)
              : precision === 'day'
                ? iso.slice(0, 10)
                : iso;
        });
      fc.assert(
        fc.property(point, point, (a, b) => {
          let range: EffectiveTime;
          try {
            range = parseEffectiveTime(`${a}/${b}`);
          } catch {
            range = parseEffectiveTime(`${b}/${a}`);
          }
          const text = formatEffectiveTime(range);
          expect(parseEffectiveTime(text)).toEqual(range);
          expect(formatEffectiveTime(parseEffectiveTime(text))).toBe(text);
        }),
      );
    });
  });

  describe('instantMillis', () => {
    it.each([
      ['2021-09-09T15:30:00+03:00', '2021-09-09T12:30:00.000Z'],
      ['2021-09-09T12:30:00.000Z', '2021-09-09T12:30:00.000Z'],
      ['2021-09', '2021-09-01T00:00:00.000Z'],
      ['2021', '2021-01-01T00:00:00.000Z'],
    ])('reads %s as %s', (input, iso) => {
      expect(instantMillis(input)).toBe(Date.parse(iso));
    });

    it.each(['2021-09-09T12:00:00', '2021/2022', 'yesterday', ''])('refuses %s', (input) => {
      expect(() => instantMillis(input)).toThrow(InvalidEffectiveTime);
    });
  });
});
