import { effectiveUntil, InvalidEffectiveTime, parseEffectiveTime } from '../shared/effective-time';
import { DomainRuleViolation } from '../shared/errors';
import { fromScaled } from './decimal';
import { checkText, isPlainObject, readAmount } from './validation';
import { CommitmentKind, MONEY_KINDS } from './vocabulary';

/** What was promised or demanded, as precisely as the source states it. */
export interface Terms {
  /** Exact decimal as text (`"600000000"`, `"0.5"`), never a float. */
  readonly amount?: string;
  /** ISO 4217 code. */
  readonly currency?: string;
  /** What the amount counts when it is not money, or a price unit (`"USD per 1000 m3"`). */
  readonly unit?: string;
  /** `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or an instant with a zone. */
  readonly validFrom?: string;
  readonly validUntil?: string;
  readonly conditions?: readonly string[];
  readonly restrictions?: readonly string[];
  readonly description?: string;
}

export type TermKey = keyof Terms;

export const TERM_KEYS: readonly TermKey[] = [
  'amount',
  'currency',
  'unit',
  'validFrom',
  'validUntil',
  'conditions',
  'restrictions',
  'description',
];

/** An amendment: a value replaces the term, `null` removes it, an absent key leaves it. */
export type TermChanges = { readonly [K in TermKey]?: Terms[K] | null };

const CURRENCY = /^[A-Z]{3}$/;

type MutableTerms = { -readonly [K in TermKey]?: Terms[K] };

export function isTermKey(key: string): key is TermKey {
  return (TERM_KEYS as readonly string[]).includes(key);
}

/**
 * Validates terms that arrived from outside and returns them in canonical form
 * (amount normalized, dates trimmed, undefined keys dropped), so that equal
 * terms are stored equal. `path` prefixes the `field` of any violation
 * (`terms.amount`, `changes.amount`); `changed` says which keys an amendment
 * touched, to blame the one the caller actually sent.
 */
export function checkTerms(input: unknown, kind: CommitmentKind, path: string, changed?: ReadonlySet<TermKey>): Terms {
  if (!isPlainObject(input)) throw new DomainRuleViolation('invalid_terms', `${path} must be an object`, path);
  const field = (key: string): string => `${path}.${key}`;
  for (const key of Object.keys(input)) {
    if (!isTermKey(key)) throw new DomainRuleViolation('unknown_term', `${key} is not a term`, field(key));
  }
  const raw = input as { readonly [K in TermKey]?: unknown };
  const terms: MutableTerms = {};

  if (raw.amount !== undefined) terms.amount = checkAmount(raw.amount, field('amount'));
  if (raw.currency !== undefined) {
    if (typeof raw.currency !== 'string' || !CURRENCY.test(raw.currency)) {
      throw new DomainRuleViolation(
        'invalid_currency',
        `currency must be an ISO 4217 code of 3 uppercase letters, got ${JSON.stringify(raw.currency)}`,
        field('currency'),
      );
    }
    terms.currency = raw.currency;
  }
  if (raw.unit !== undefined) terms.unit = checkText(raw.unit, field('unit'));
  if (raw.validFrom !== undefined) terms.validFrom = checkTime(raw.validFrom, field('validFrom'));
  if (raw.validUntil !== undefined) terms.validUntil = checkTime(raw.validUntil, field('validUntil'));
  if (raw.conditions !== undefined) terms.conditions = checkList(raw.conditions, field('conditions'));
  if (raw.restrictions !== undefined) terms.restrictions = checkList(raw.restrictions, field('restrictions'));
  if (raw.description !== undefined) terms.description = checkText(raw.description, field('description'));

  if (terms.amount !== undefined && terms.currency === undefined) {
    if (MONEY_KINDS.includes(kind)) {
      throw new DomainRuleViolation(
        'currency_required',
        `an amount of a ${kind} commitment is money and needs a currency`,
        field('currency'),
      );
    }
    if (terms.unit === undefined) {
      throw new DomainRuleViolation('unit_required', 'an amount needs a currency or a unit that says what it counts', field('unit'));
    }
  }

  if (terms.validFrom !== undefined && terms.validUntil !== undefined) {
    const from = parseEffectiveTime(terms.validFrom);
    const until = parseEffectiveTime(terms.validUntil);
    // Periods, not instants: validFrom 2021-09 with validUntil 2021 is fine, the year contains the month.
    if (Date.parse(effectiveUntil(until)) <= Date.parse(from.at)) {
      const blamed = changed && !changed.has('validUntil') ? 'validFrom' : 'validUntil';
      throw new DomainRuleViolation(
        'validity_reversed',
        `validUntil ${terms.validUntil} ends before validFrom ${terms.validFrom} begins`,
        field(blamed),
      );
    }
  }

  return terms;
}

/** The terms after an amendment; the changes are not validated here. */
export function applyTermChanges(terms: Terms, changes: TermChanges): Terms {
  const next: MutableTerms = { ...terms };
  for (const key of TERM_KEYS) {
    const value = changes[key];
    if (value === null) delete next[key];
    else if (value !== undefined) (next as Record<TermKey, unknown>)[key] = value;
  }
  return next;
}

/** The changes that turn `before` into `after`, only for the terms that differ. */
export function diffTerms(before: Terms, after: Terms): TermChanges {
  const changes: { [K in TermKey]?: Terms[K] | null } = {};
  for (const key of TERM_KEYS) {
    if (!sameTermValue(before[key], after[key])) {
      (changes as Record<TermKey, unknown>)[key] = after[key] === undefined ? null : after[key];
    }
  }
  return changes;
}

function sameTermValue(a: Terms[TermKey], b: Terms[TermKey]): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => item === b[index]);
  }
  return a === b;
}

function checkAmount(value: unknown, field: string): string {
  const units = readAmount(value, field);
  if (units < 0n) throw new DomainRuleViolation('invalid_amount', 'amount must not be negative', field);
  return fromScaled(units);
}

function checkTime(value: unknown, field: string): string {
  if (typeof value !== 'string') {
    throw new DomainRuleViolation('invalid_effective_time', `${field} must be a date text`, field);
  }
  try {
    parseEffectiveTime(value);
  } catch (error) {
    if (error instanceof InvalidEffectiveTime) {
      throw new DomainRuleViolation('invalid_effective_time', error.message, field);
    }
    throw error;
  }
  return value.trim();
}

function checkList(value: unknown, field: string): readonly string[] {
  if (!Array.isArray(value)) throw new DomainRuleViolation('invalid_text', `${field} must be a list of texts`, field);
  return value.map((item, index) => checkText(item, `${field}[${index}]`));
}
