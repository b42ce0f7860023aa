/** Dates with their precision, amounts with their currency or unit: as a reader writes them. */
import type { EffectiveTime, Precision } from './types';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A UTC day as `9 Sep 2021`. */
export function formatDay(iso: string): string {
  const date = new Date(iso);
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/** An effective time as precise as it is known: `2021`, `Sep 2021`, `9 Sep 2021`, `Sep–Oct 2021`. */
export function formatEffective(time: EffectiveTime): string {
  const start = new Date(time.at);
  const month = `${MONTHS[start.getUTCMonth()]} ${start.getUTCFullYear()}`;
  switch (time.precision) {
    case 'year':
      return String(start.getUTCFullYear());
    case 'month':
      return month;
    case 'day':
      return formatDay(time.at);
    case 'instant':
      return `${formatDay(time.at)} ${time.at.slice(11, 16)} UTC`;
    case 'range': {
      if (!time.until) return `from ${formatDay(time.at)}`;
      // `until` is the first instant after the range.
      const last = new Date(Date.parse(time.until) - 1);
      return `${MONTHS[start.getUTCMonth()]} ${start.getUTCFullYear()} – ${MONTHS[last.getUTCMonth()]} ${last.getUTCFullYear()}`;
    }
  }
}

/** How a date in the data (`2022`, `2022-07`, `2022-07-15`) reads, with its precision. */
export function formatPartialDate(value: string): string {
  const period = partialDatePeriod(value);
  if (!period) return value;
  return formatEffective({ at: period.start.toISOString(), precision: period.precision });
}

/** The period a partial date covers, `[start, end)`, or undefined when it is not one. */
export function partialDatePeriod(value: string): { start: Date; end: Date; precision: Precision } | undefined {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), match[2] ? Number(match[2]) - 1 : undefined, match[3] ? Number(match[3]) : undefined];
  if (month === undefined) return { start: utc(year, 0, 1), end: utc(year + 1, 0, 1), precision: 'year' };
  if (day === undefined) return { start: utc(year, month, 1), end: utc(year, month + 1, 1), precision: 'month' };
  return { start: utc(year, month, day), end: utc(year, month, day + 1), precision: 'day' };
}

function utc(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month, day));
}

/** Groups the digits of a decimal string without turning it into a float: `630000000` → `630,000,000`. */
export function groupDigits(decimal: string): string {
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(decimal);
  if (!match) return decimal;
  const [, sign, whole, fraction = ''] = match;
  return `${sign}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction}`;
}

/** A unit as a reader writes it: `USD per 1000 m3` → `USD per 1000 m³`. */
export function formatUnit(unit: string): string {
  return unit.replace(/\bm3\b/g, 'm³').replace(/\bm2\b/g, 'm²');
}

/** `630,000,000 USD`, `128.5 USD per 1000 m³`; a missing amount reads as an en dash. The full figure, for tooltips and exports. */
export function formatAmount(amount: string | null | undefined, currency?: string | null, unit?: string | null): string {
  if (amount === null || amount === undefined) return '–';
  const measure = unit ? formatUnit(unit) : currency;
  return measure ? `${groupDigits(amount)} ${measure}` : groupDigits(amount);
}

const SYMBOLS: Record<string, string> = { USD: '$', EUR: '€', GBP: '£' };

/**
 * For reading at a glance: `630000000 USD` → `$630m`, `1500000000 USD` → `$1.5bn`,
 * `2000000000 RUB` → `2bn RUB`, a price `127 USD per 1000 m³`; the full figure goes in a tooltip.
 */
export function compactAmount(amount: string | null | undefined, currency?: string | null, unit?: string | null): string {
  if (amount === null || amount === undefined || !/^-?\d+(\.\d+)?$/.test(amount) || unit) return formatAmount(amount, currency, unit);
  const value = Number(amount);
  const size = Math.abs(value);
  const short = size >= 1e9 ? `${trim(value / 1e9)}bn` : size >= 1e6 ? `${trim(value / 1e6)}m` : groupDigits(amount);
  if (!currency) return short;
  const symbol = SYMBOLS[currency];
  if (symbol) return value < 0 ? `-${symbol}${short.slice(1)}` : `${symbol}${short}`;
  return `${short} ${currency}`;
}

function trim(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** `in_implementation` → `in implementation`. */
export function humanize(code: string): string {
  return code.replace(/_/g, ' ');
}

/** `CommitmentTermsAmended` → `Commitment terms amended`. */
export function eventTypeLabel(type: string): string {
  const words = type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The first of `values` that is present (not null or undefined), as text by its type: a string as
 * it is, a number, bigint or boolean written out, anything else (an object, a list) as JSON, never
 * "[object Object]". Event data is untyped JSON: this is how the page names what it holds.
 */
export function textOf(...values: unknown[]): string {
  const value = values.find((candidate) => candidate !== null && candidate !== undefined);
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return value.toString();
    case 'undefined':
      return '';
    default:
      return JSON.stringify(value) ?? '';
  }
}
