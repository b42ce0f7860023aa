/**
 * Valid time: when something happened in the world, to the precision the
 * source gives ("in 2018", "by December 2022", "on 9 September 2021", or an
 * exact instant). A partial date covers a period: `at` is its first instant
 * and `until` the first instant after it, both UTC.
 */
export type Precision = 'year' | 'month' | 'day' | 'instant';

export const PRECISIONS: readonly Precision[] = ['year', 'month', 'day', 'instant'];

export interface EffectiveTime {
  /** First instant of the period, ISO 8601 UTC (`2021-09-01T00:00:00.000Z`). */
  readonly at: string;
  readonly precision: Precision;
}

export class InvalidEffectiveTime extends Error {
  constructor(readonly input: string, reason: string) {
    super(`"${input}" is not a valid effective time: ${reason}`);
    this.name = 'InvalidEffectiveTime';
  }
}

const YEAR = /^(\d{4})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
// An instant must say its offset: a local time without a zone is ambiguous.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or an ISO 8601 instant with offset. */
export function parseEffectiveTime(input: string): EffectiveTime {
  const text = input.trim();
  let match: RegExpMatchArray | null;
  if ((match = text.match(YEAR))) {
    return { at: utc(text, +match[1], 1, 1), precision: 'year' };
  }
  if ((match = text.match(MONTH))) {
    return { at: utc(text, +match[1], +match[2], 1), precision: 'month' };
  }
  if ((match = text.match(DAY))) {
    return { at: utc(text, +match[1], +match[2], +match[3]), precision: 'day' };
  }
  if (INSTANT.test(text)) {
    const millis = Date.parse(text);
    if (Number.isNaN(millis)) throw new InvalidEffectiveTime(input, 'not a real date and time');
    const [, month, day] = text.slice(0, 10).split('-').map(Number);
    const calendar = new Date(Date.UTC(2000, month - 1, day));
    if (calendar.getUTCMonth() !== month - 1) throw new InvalidEffectiveTime(input, 'no such day');
    return { at: new Date(millis).toISOString(), precision: 'instant' };
  }
  throw new InvalidEffectiveTime(
    input,
    'expected YYYY, YYYY-MM, YYYY-MM-DD or an ISO 8601 instant with a zone (2021-09-09T12:00:00Z)',
  );
}

/** First instant after the period the effective time covers. */
export function effectiveUntil(time: EffectiveTime): string {
  const start = new Date(time.at);
  switch (time.precision) {
    case 'year':
      return new Date(Date.UTC(start.getUTCFullYear() + 1, 0, 1)).toISOString();
    case 'month':
      return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1)).toISOString();
    case 'day':
      return new Date(start.getTime() + 86_400_000).toISOString();
    case 'instant':
      return new Date(start.getTime() + 1).toISOString();
    default: {
      const unknown: never = time.precision;
      throw new Error(`unknown precision ${String(unknown)}`);
    }
  }
}

/** The shortest text that states the time at its precision (`2021`, `2021-09`, …). */
export function formatEffectiveTime(time: EffectiveTime): string {
  switch (time.precision) {
    case 'year':
      return time.at.slice(0, 4);
    case 'month':
      return time.at.slice(0, 7);
    case 'day':
      return time.at.slice(0, 10);
    case 'instant':
      return time.at;
    default: {
      const unknown: never = time.precision;
      throw new Error(`unknown precision ${String(unknown)}`);
    }
  }
}

function utc(input: string, year: number, month: number, day: number): string {
  if (month < 1 || month > 12) throw new InvalidEffectiveTime(input, 'month must be 01 to 12');
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new InvalidEffectiveTime(input, 'no such day');
  }
  return date.toISOString();
}
