/**
 * Field changes as a reader reads them: a whole object (a commitment's first
 * version, its `terms`) is spread into one row per field, never shown as JSON;
 * amounts carry their currency or unit (`$630m`, `127 USD per 1000 m³`), dates
 * their precision, statuses in words. No DOM here.
 */
import { compactAmount, formatAmount, formatPartialDate, humanize } from './format';
import type { FieldChange } from './types';

export interface FieldRow {
  path: string;
  label: string;
  from: string;
  to: string;
  /** The full figure, when `from`/`to` is a compact amount. */
  fromTitle?: string;
  toTitle?: string;
}

/** What amounts are counted in: carried from version to version, since an amendment may change the amount alone. */
export interface Measure {
  currency?: string | null;
  unit?: string | null;
}

const LABELS: Record<string, string> = {
  '': 'Record',
  title: 'Title',
  kind: 'Kind',
  by: 'By',
  to: 'To',
  status: 'Status',
  lapsedAt: 'Lapsed on',
  effectiveAt: 'Effective',
  pledged: 'Pledged',
  disbursed: 'Disbursed',
  outstanding: 'Outstanding',
  currency: 'Currency',
  unit: 'Unit',
  'terms.amount': 'Amount',
  'terms.currency': 'Currency',
  'terms.unit': 'Unit',
  'terms.validFrom': 'Valid from',
  'terms.validUntil': 'Valid until',
  'terms.conditions': 'Conditions',
  'terms.restrictions': 'Restrictions',
  'terms.description': 'Description',
};

const AMOUNTS = new Set(['pledged', 'disbursed', 'outstanding', 'amount', 'terms.amount']);
const DATES = new Set(['terms.validFrom', 'terms.validUntil', 'lapsedAt', 'due', 'startedAt']);

export function fieldLabel(path: string): string {
  if (LABELS[path]) return LABELS[path];
  const last = path.split('.').pop() ?? path;
  const words = last.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The measure after a version's changes: its currency or unit when it set one, else the one before. */
export function measureAfter(changes: FieldChange[], before: Measure): Measure {
  const measure = { ...before };
  for (const leaf of changes.flatMap((change) => leaves(change.path, change.to))) {
    if (leaf.path === 'terms.currency' || leaf.path === 'currency')
      measure.currency = typeof leaf.value === 'string' ? leaf.value : measure.currency;
    if (leaf.path === 'terms.unit' || leaf.path === 'unit') measure.unit = typeof leaf.value === 'string' ? leaf.value : measure.unit;
  }
  return measure;
}

/** One row per changed field: objects on either side are spread into their fields. */
export function fieldRows(changes: FieldChange[], before: Measure, after: Measure = measureAfter(changes, before)): FieldRow[] {
  const rows: FieldRow[] = [];
  for (const change of changes) {
    const from = new Map(leaves(change.path, change.from).map((leaf) => [leaf.path, leaf.value]));
    const to = new Map(leaves(change.path, change.to).map((leaf) => [leaf.path, leaf.value]));
    for (const path of new Set([...from.keys(), ...to.keys()])) {
      const a = from.get(path);
      const b = to.get(path);
      if (JSON.stringify(a ?? null) === JSON.stringify(b ?? null)) continue;
      const [x, y] = [shown(path, a, before), shown(path, b, after)];
      rows.push({ path, label: fieldLabel(path), from: x.text, fromTitle: x.title, to: y.text, toTitle: y.title });
    }
  }
  return rows;
}

function shown(path: string, value: unknown, measure: Measure): { text: string; title?: string } {
  const text = fieldValue(path, value, measure);
  const full = isAmount(path) && typeof value === 'string' ? formatAmount(value, measure.currency, measure.unit) : undefined;
  return { text, title: full !== text ? full : undefined };
}

function isAmount(path: string): boolean {
  return AMOUNTS.has(path) || AMOUNTS.has(path.split('.').pop() ?? '');
}

/** A field's value in words: `$630m`, `Sep 2021`, `in implementation`, a list joined by semicolons; absent is an en dash. */
export function fieldValue(path: string, value: unknown, measure: Measure = {}): string {
  if (value === null || value === undefined || value === '') return '–';
  if (Array.isArray(value)) return value.length ? value.map((item) => fieldValue('', item)).join('; ') : '–';
  if (typeof value === 'object') {
    return leaves('', value)
      .map((leaf) => `${fieldLabel(leaf.path)}: ${fieldValue(leaf.path, leaf.value, measure)}`)
      .join('; ');
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (isAmount(path) && /^-?\d+(\.\d+)?$/.test(text)) return compactAmount(text, measure.currency, measure.unit);
  if (DATES.has(path) && /^\d{4}(-\d{2}(-\d{2})?)?$/.test(text)) return formatPartialDate(text);
  if (DATES.has(path) && /^\d{4}-\d{2}-\d{2}T/.test(text)) return formatPartialDate(text.slice(0, 10));
  if (path === 'status' || path === 'kind') return humanize(text);
  return text;
}

/** The fields of a value, by path: `terms` `{amount, currency}` → `terms.amount`, `terms.currency`. */
function leaves(path: string, value: unknown): { path: string; value: unknown }[] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    // An effective time is one field, not three.
    if ('at' in value && 'precision' in value) return [{ path, value: (value as { at: string }).at.slice(0, 10) }];
    return entries.flatMap(([key, inner]) => leaves(path ? `${path}.${key}` : key, inner));
  }
  return [{ path, value }];
}
