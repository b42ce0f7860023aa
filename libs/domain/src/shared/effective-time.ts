/**
 * Valid time: when something happened in the world, to the precision the
 * source gives ("in 2018", "by December 2022", "on 9 September 2021", or an
 * exact instant). A partial date covers a period: `at` is its first instant
 * and `until` the first instant after it, both UTC.
 *
 * A `range` ("from September to October 2021", ISO 8601 interval
 * `2021-09/2021-10`) is a period with explicit ends: `at` is the first instant
 * of its start and `until` (stored on the value) the first instant after its end.
 */
export type Precision = 'year' | 'month' | 'day' | 'instant' | 'range';

export const PRECISIONS: readonly Precision[] = ['year', 'month', 'day', 'instant', 'range'];

export interface EffectiveTime {
  /** First instant of the period, ISO 8601 UTC (`2021-09-01T00:00:00.000Z`). */
  readonly at: string;
  readonly precision: Precision;
  /**
   * Only for precision `range`: first instant after the period, ISO 8601 UTC,
   * exclusive (`2021-11-01T00:00:00.000Z` for `2021-09/2021-10`). Absent otherwise.
   */
  readonly until?: string;
}

export class InvalidEffectiveTime extends Error {
  constructor(
    readonly input: string,
    reason: string,
  ) {
    super(`"${input}" is not a valid effective time: ${reason}`);
    this.name = 'InvalidEffectiveTime';
  }
}

const YEAR = /^(\d{4})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
// An instant must say its offset: a local time without a zone is ambiguous.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, an ISO 8601 instant with offset, or
 * an interval `A/B` of two of those. An interval starts where A starts and ends
 * where B ends (B's `effectiveUntil`), so `2021-09/2021-10` covers September
 * and October and `2021-09-01T00:00Z/2021-09-02T00:00Z` ends 1 ms after its
 * end instant. B must end after A starts.
 */
export function parseEffectiveTime(input: string): EffectiveTime {
  const text = input.trim();
  if (text.includes('/')) return parseRange(input, text);
  return parsePoint(input, text);
}

function parseRange(input: string, text: string): EffectiveTime {
  const parts = text.split('/');
  if (parts.length !== 2) throw new InvalidEffectiveTime(input, 'a range has exactly one "/" (A/B)');
  const [start, end] = parts.map((part, index) => {
    try {
      return parsePoint(part, part.trim());
    } catch (error) {
      if (error instanceof InvalidEffectiveTime) {
        throw new InvalidEffectiveTime(input, `${index === 0 ? 'start' : 'end'} of the range: ${error.message}`);
      }
      throw error;
    }
  });
  const until = effectiveUntil(end);
  if (Date.parse(until) <= Date.parse(start.at)) {
    throw new InvalidEffectiveTime(input, 'the range ends before it starts');
  }
  return { at: start.at, precision: 'range', until };
}

function parsePoint(input: string, text: string): EffectiveTime {
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
    'expected YYYY, YYYY-MM, YYYY-MM-DD, an ISO 8601 instant with a zone (2021-09-09T12:00:00Z), or a range A/B of two',
  );
}

/** First instant after the period the effective time covers (`until` for a range). */
export function effectiveUntil(time: EffectiveTime): string {
  if (time.precision === 'range') return rangeUntil(time);
  // Folds ask for the same event's end many times: remember it per (immutable) value.
  const known = untilOf.get(time);
  if (known !== undefined) return known;
  const until = periodEnd(time as EffectiveTime & { precision: Exclude<Precision, 'range'> });
  untilOf.set(time, until);
  return until;
}

const untilOf = new WeakMap<EffectiveTime, string>();

function periodEnd(time: EffectiveTime & { precision: Exclude<Precision, 'range'> }): string {
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

/**
 * The shortest text that states the time at its precision (`2021`, `2021-09`, …).
 *
 * A range is written `A/B` with the shortest forms recovered from its instants:
 * A is the coarsest of `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or the instant whose
 * first instant is `at`; B the coarsest whose end (`effectiveUntil`) is `until`,
 * else the instant 1 ms before `until`. The text parses back to the same value,
 * though not always to the text it came from: `2021-01/2021-12` is written
 * `2021/2021`, `2021-09-01T00:00Z/2021-09-30T23:59:59.999Z` is `2021-09/2021-09`.
 */
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
    case 'range':
      return `${formatStart(time.at)}/${formatEnd(rangeUntil(time))}`;
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

/**
 * Milliseconds since the epoch of an instant stated as an ISO 8601 instant with
 * a zone, or as a partial date (`2021-09` means its first instant). For `asOf`
 * and `knownAt` arguments: a local time without a zone is refused, since its
 * meaning would depend on the machine. Throws InvalidEffectiveTime.
 */
export function instantMillis(input: string): number {
  // Folds ask for the same asOf and knownAt again and again, in turns: the last two answers are kept.
  if (input === recentInstants[0]) return recentMillis[0];
  if (input === recentInstants[1]) return recentMillis[1];
  // Recorded times and stored instants come in the canonical form toISOString() writes:
  // one that survives the round trip is valid, and needs no further parsing.
  if (input.length === 24 && input.charCodeAt(23) === 90 /* Z */) {
    const millis = Date.parse(input);
    if (!Number.isNaN(millis) && new Date(millis).toISOString() === input) return rememberInstant(input, millis);
  }
  const time = parseEffectiveTime(input);
  if (time.precision === 'range') throw new InvalidEffectiveTime(input, 'expected an instant, not a range');
  return rememberInstant(input, Date.parse(time.at));
}

/** The last two inputs `instantMillis` read without throwing, the latest first, and their answers. */
const recentInstants: [string | undefined, string | undefined] = [undefined, undefined];
const recentMillis: [number, number] = [NaN, NaN];

function rememberInstant(input: string, millis: number): number {
  recentInstants[1] = recentInstants[0];
  recentMillis[1] = recentMillis[0];
  recentInstants[0] = input;
  recentMillis[0] = millis;
  return millis;
}

function rangeUntil(time: EffectiveTime): string {
  if (time.until === undefined || Number.isNaN(Date.parse(time.until))) {
    throw new Error(`effective time range starting ${time.at} has no valid until`);
  }
  return time.until;
}

function formatStart(at: string): string {
  const date = new Date(at);
  const iso = date.toISOString();
  if (date.getUTCHours() || date.getUTCMinutes() || date.getUTCSeconds() || date.getUTCMilliseconds()) return iso;
  if (date.getUTCDate() !== 1) return iso.slice(0, 10);
  if (date.getUTCMonth() !== 0) return iso.slice(0, 7);
  return iso.slice(0, 4);
}

function formatEnd(until: string): string {
  const date = new Date(until);
  if (date.getUTCHours() || date.getUTCMinutes() || date.getUTCSeconds() || date.getUTCMilliseconds()) {
    return new Date(date.getTime() - 1).toISOString();
  }
  const last = new Date(date.getTime() - 86_400_000).toISOString();
  if (date.getUTCDate() !== 1) return last.slice(0, 10);
  if (date.getUTCMonth() !== 0) return last.slice(0, 7);
  return last.slice(0, 4);
}
