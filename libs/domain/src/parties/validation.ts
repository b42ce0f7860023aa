import { isPartyCode } from '../commitments/vocabulary';
import { DomainRuleViolation } from '../shared/errors';

// Checks shared by the aggregates that name parties (tracks, deployments,
// occurrences), on input that arrives as decoded JSON whatever its static type claims.

/** A party code (`BY`, `RU`, `EAEU`), or `invalid_party` on `field`. */
export function checkPartyCode(value: unknown, field: string): string {
  if (!isPartyCode(value)) {
    throw new DomainRuleViolation('invalid_party', `"${String(value)}" is not a party code (2 to 10 of A-Z, 0-9, "-")`, field);
  }
  return value;
}

/**
 * One or more distinct party codes, in the order given: `parties_required`
 * when the list is missing or empty, `invalid_party` for a bad or repeated code.
 */
export function checkPartyList(value: unknown, field: string): readonly string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new DomainRuleViolation('parties_required', `${field} must list at least one party`, field);
  }
  const seen = new Set<string>();
  for (const item of value) {
    const code = checkPartyCode(item, field);
    if (seen.has(code)) throw new DomainRuleViolation('invalid_party', `${code} is listed twice`, field);
    seen.add(code);
  }
  return [...seen];
}

/** Non-empty text, trimmed, or a violation of `code` on `field`. */
export function requireText(value: unknown, code: string, field: string, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new DomainRuleViolation(code, what, field);
  return value.trim();
}

/** Absent, or non-empty text kept as given (`invalid_text` otherwise). */
export function optionalText(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new DomainRuleViolation('invalid_text', `${field} must be non-empty text`, field);
  }
  return value;
}
