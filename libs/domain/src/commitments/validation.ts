import { DomainRuleViolation } from '../shared/errors';
import { InvalidDecimal, toScaled } from './decimal';

// Checks on input that arrives as decoded JSON, whatever its static type claims.

export function checkText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new DomainRuleViolation('invalid_text', `${field} must be non-empty text`, field);
  }
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The scaled value of a decimal amount, or `invalid_amount` on `field`. */
export function readAmount(value: unknown, field: string): bigint {
  try {
    return toScaled(value as string);
  } catch (error) {
    if (error instanceof InvalidDecimal) throw new DomainRuleViolation('invalid_amount', error.message, field);
    throw error;
  }
}
