/**
 * A deep diff of plain JSON values, and its inverse: the building block of the
 * audit views, which show what an event (or a new piece of knowledge) changed
 * as a list of `{ path, from, to }`.
 */

/** One field that differs: `path` is dotted (`terms.amount`), '' for the whole value. */
export interface FieldChange {
  readonly path: string;
  /** The value before; null when the field was absent (an added field). */
  readonly from: unknown;
  /** The value after; null when the field is absent (a removed field). */
  readonly to: unknown;
}

/**
 * The fields that differ between two plain JSON values, sorted by path:
 *
 * - two plain objects are compared key by key, recursively (`terms.amount`);
 * - anything else (arrays, scalars, an object against a non-object) is
 *   compared as a whole value: `terms.restrictions` from one whole array to
 *   the other; `terms` from null to the whole object when the terms appear;
 * - a missing key (or one holding `undefined`) is `null` on that side, so a
 *   key missing on one side and `null` on the other is no change.
 *
 * `path` prefixes every reported path (`fieldChanges(a, b, 'terms')` reports
 * `terms.amount`). Keys containing a dot make ambiguous paths; the commitment
 * views have none. The values in the result are shared with the inputs.
 */
export function fieldChanges(before: unknown, after: unknown, path = ''): FieldChange[] {
  const changes: FieldChange[] = [];
  collect(before, after, path, changes);
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function collect(before: unknown, after: unknown, path: string, changes: FieldChange[]): void {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const key of keys) collect(before[key], after[key], path === '' ? key : `${path}.${key}`, changes);
    return;
  }
  const from = before === undefined ? null : before;
  const to = after === undefined ? null : after;
  if (!sameJson(from, to)) changes.push({ path, from, to });
}

/**
 * `base` with the changes applied in order, the inverse of `fieldChanges`:
 * each change sets the value at its path (creating objects along the way) or,
 * when `to` is null, removes the key. A change at path '' replaces the whole
 * value. Returns new objects along the changed paths and shares the rest;
 * `base` is not modified.
 *
 * For plain objects `a` and `b`, `applyFieldChanges(a, fieldChanges(a, b))`
 * equals `b` up to keys that hold null (which the diff treats as missing).
 */
export function applyFieldChanges(base: unknown, changes: readonly FieldChange[]): unknown {
  return changes.reduce<unknown>((value, change) => setPath(value, splitPath(change.path), change.to), base);
}

function splitPath(path: string): string[] {
  return path === '' ? [] : path.split('.');
}

function setPath(value: unknown, keys: readonly string[], to: unknown): unknown {
  if (keys.length === 0) return to === undefined ? null : to;
  const [key, ...rest] = keys;
  const next: Record<string, unknown> = isPlainObject(value) ? { ...value } : {};
  if (rest.length === 0 && (to === null || to === undefined)) {
    delete next[key];
    return next;
  }
  Object.defineProperty(next, key, {
    value: setPath(next[key], rest, to),
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return next;
}

/** Deep equality of plain JSON values; in objects, a key holding null or undefined equals a missing key. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => sameJson(item, b[index]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => sameJson(a[key] ?? null, b[key] ?? null));
  }
  return false;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
