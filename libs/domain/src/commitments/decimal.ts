/**
 * Exact decimals for money and quantities. Values travel as text ("600000000",
 * "0.5") and are computed as bigint counts of 10^-6, so a sum of a thousand
 * disbursements is exactly the sum the source states: no float ever touches them.
 */
export const MAX_FRACTION_DIGITS = 6;

const SCALE = 10n ** BigInt(MAX_FRACTION_DIGITS);
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

export class InvalidDecimal extends Error {
  constructor(
    readonly input: unknown,
    readonly reason: string,
  ) {
    super(`"${String(input)}" is not a valid decimal: ${reason}`);
    this.name = 'InvalidDecimal';
  }
}

/** The value as an integer count of 10^-6 units: `"1.5"` → `1500000n`. */
export function toScaled(text: string): bigint {
  // Callers pass decoded JSON; a number here would already have lost precision.
  if (typeof text !== 'string') throw new InvalidDecimal(text, 'expected a string');
  const match = DECIMAL.exec(text);
  if (!match) {
    throw new InvalidDecimal(text, 'expected digits with an optional fraction, like 600000000 or 0.5');
  }
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > MAX_FRACTION_DIGITS) {
    throw new InvalidDecimal(text, `at most ${MAX_FRACTION_DIGITS} fraction digits`);
  }
  const units = BigInt(whole) * SCALE + BigInt(fraction.padEnd(MAX_FRACTION_DIGITS, '0'));
  return sign ? -units : units;
}

/** The shortest text for a scaled value: no leading zeros, no trailing fraction zeros. */
export function fromScaled(units: bigint): string {
  const negative = units < 0n;
  const magnitude = negative ? -units : units;
  const whole = magnitude / SCALE;
  const fraction = (magnitude % SCALE).toString().padStart(MAX_FRACTION_DIGITS, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** Whether `toScaled` takes the value; without throwing, since folds ask it of every absent amount. */
export function isDecimal(text: unknown): text is string {
  if (typeof text !== 'string') return false;
  const match = DECIMAL.exec(text);
  return match !== null && (match[3]?.length ?? 0) <= MAX_FRACTION_DIGITS;
}

/** `"007.50"` → `"7.5"`, `"-0"` → `"0"`. */
export function normalizeDecimal(text: string): string {
  return fromScaled(toScaled(text));
}

export function addDecimals(a: string, b: string): string {
  return fromScaled(toScaled(a) + toScaled(b));
}

export function subtractDecimals(a: string, b: string): string {
  return fromScaled(toScaled(a) - toScaled(b));
}

export function compareDecimals(a: string, b: string): -1 | 0 | 1 {
  const difference = toScaled(a) - toScaled(b);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}
