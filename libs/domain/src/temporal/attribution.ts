/**
 * Attribution: for the current value of each fact an answer shows, the source
 * that established that value. A fact is a path into the answer (`status`,
 * `terms.amount`, `name`, `deadlines`); its value was established by the last
 * counting event (in fold order) that changed it, or, when that event was
 * corrected and a correction changed the value, by the last such correction:
 * the loan's $630m cites the source of the correction that says $630m, not the
 * article's "$600m loan" the record quoted. The record's own source stays
 * visible in the history and in the timeline's `originalSource`.
 *
 * `effectiveAt` is the fact of when the entity began (its creation event's
 * date): it cites the last correction that changed that date, else the
 * creation event.
 */
import type { ClaimSet } from '../shared/claims';
import { deepEqual } from '../shared/deep-equal';
import type { Confidence, RecordedEvent, Source } from '../shared/envelope';
import { correctedVersions, ResolvedEvent } from '../shared/revisions';

export interface Attribution {
  /** The event whose source established the value: the fact's own event, or the correction that changed it. */
  readonly eventId: string;
  /** Its type: `EventCorrected` for a correction. */
  readonly type: string;
  readonly source: Source;
  readonly confidence: Confidence;
  /** When it was recorded (transaction time). */
  readonly recordedAt: string;
  /**
   * Other sources that confirm the event (SourceCorroborated), each with its own
   * publication date; present only when there are some.
   */
  readonly corroboratedBy?: readonly Attribution[];
  /**
   * When sources disagree on this fact (ClaimRecorded): every claim, with its
   * value and source, which is current and why. The attribution itself cites
   * the current claim. Present only on a claimed fact.
   */
  readonly claims?: ClaimSet;
}

/** Fact path → the source of its current value. */
export type Sources = Readonly<Record<string, Attribution>>;

const cited = new WeakMap<RecordedEvent, Attribution>();

export function attributionOf(event: RecordedEvent): Attribution {
  let attribution = cited.get(event);
  if (!attribution) {
    attribution = { eventId: event.id, type: event.type, source: event.source, confidence: event.confidence, recordedAt: event.recordedAt };
    cited.set(event, attribution);
  }
  return attribution;
}

/**
 * The facts of an answer as paths: plain objects are walked into (`terms.amount`),
 * and so are lists of objects that each name themselves by an `…Id` field
 * (`deadlines[tax-code].due`), so that each item cites the event that set it;
 * anything else is one fact (a list of texts is one fact). Absent and null
 * values are no facts, and neither are the keys in `skip` at the top level.
 */
export function factPaths(answer: object, skip: ReadonlySet<string> = NO_SKIP): Map<string, unknown> {
  const paths = new Map<string, unknown>();
  const walk = (value: Readonly<Record<string, unknown>>, prefix: string) => {
    for (const key of Object.keys(value)) {
      const item = value[key];
      if (item === undefined || item === null || (prefix === '' && skip.has(key))) continue;
      const path = prefix === '' ? key : `${prefix}.${key}`;
      const keyed = Array.isArray(item) ? byOwnId(item) : undefined;
      if (isPlainObject(item)) walk(item, path);
      else if (keyed) for (const [id, element] of keyed) walk(element, `${path}[${id}]`);
      else paths.set(path, item);
    }
  };
  walk(answer as Record<string, unknown>, '');
  return paths;
}

/** The items of a list by the `…Id` field that names each, when every item has one and no two share it. */
function byOwnId(list: readonly unknown[]): [string, Record<string, unknown>][] | undefined {
  if (list.length === 0 || !list.every(isPlainObject)) return undefined;
  const items = list as Record<string, unknown>[];
  const field = Object.keys(items[0]).find((key) => key.endsWith('Id') && items.every((item) => typeof item[key] === 'string'));
  if (!field) return undefined;
  const ids = items.map((item) => item[field] as string);
  return new Set(ids).size === ids.length ? items.map((item, index) => [ids[index], item]) : undefined;
}

const NO_SKIP: ReadonlySet<string> = new Set();

/** An event folded, with what it was as recorded, the corrections applied to it and its other sources. */
export type FoldedEvent = Pick<ResolvedEvent, 'event' | 'original' | 'corrections' | 'claims'>;

const confirmed = new WeakMap<object, Attribution>();
const claimed = new WeakMap<ClaimSet, Attribution>();

/**
 * The attribution of a fact a step established, `by` being the event (or
 * correction) that set its value: with the step's corroborating sources when
 * `by` is the event as recorded, and, on a claimed fact, the current claim's
 * event with every claim beside it.
 */
function stepAttribution(step: FoldedEvent, path: string, by: RecordedEvent): Attribution {
  const claims = step.claims;
  if (!claims) return attributionOf(by);
  const claimSet = claims.claimSets.find((set) => set.field === path);
  if (claimSet) {
    let attribution = claimed.get(claimSet);
    if (!attribution) {
      const claimEvent = claims.claimEvents.get(claimSet.current);
      const base = claimEvent ? attributionOf(claimEvent) : confirmedAttribution(step, by);
      attribution = { ...base, claims: claimSet };
      claimed.set(claimSet, attribution);
    }
    return attribution;
  }
  return by === step.original ? confirmedAttribution(step, by) : attributionOf(by);
}

function confirmedAttribution(step: FoldedEvent, by: RecordedEvent): Attribution {
  const corroborations = step.claims?.corroborations ?? [];
  if (by !== step.original || corroborations.length === 0) return attributionOf(by);
  let attribution = confirmed.get(corroborations);
  if (!attribution) {
    attribution = { ...attributionOf(by), corroboratedBy: corroborations.map(attributionOf) };
    confirmed.set(corroborations, attribution);
  }
  return attribution;
}

/**
 * The sources after one fold step: the paths that changed from `before` to
 * `after` cite the step's event, or the last of its corrections that changed
 * that path (`pathsWith` gives the facts after the step with a version of the
 * event in place of the corrected one); paths that are gone lose their source;
 * the others keep theirs.
 */
export function attributeStep(
  sources: Sources,
  before: ReadonlyMap<string, unknown>,
  after: ReadonlyMap<string, unknown>,
  step: FoldedEvent,
  pathsWith: (version: RecordedEvent) => ReadonlyMap<string, unknown>,
): Sources {
  let next: Record<string, Attribution> | undefined;
  const write = () => (next ??= { ...sources });
  for (const path of before.keys()) if (!after.has(path) && path in sources) delete write()[path];
  let versions: ReadonlyMap<string, unknown>[] | undefined;
  for (const [path, value] of after) {
    if (before.has(path) && deepEqual(before.get(path), value) && path in sources) continue;
    let by: RecordedEvent = step.original;
    if (step.corrections.length) {
      versions ??= correctedVersions(step).map(pathsWith);
      for (let index = versions.length - 1; index >= 1; index--) {
        if (!deepEqual(versions[index].get(path), versions[index - 1].get(path))) {
          by = step.corrections[index - 1];
          break;
        }
      }
    }
    const attribution = stepAttribution(step, path, by);
    if (sources[path] !== attribution) write()[path] = attribution;
  }
  return next ?? sources;
}

/** The source of an event's date: the last correction that changed it, else the event's own. */
export function dateAttribution(step: FoldedEvent): Attribution {
  for (let index = step.corrections.length - 1; index >= 0; index--) {
    if (step.corrections[index].data.changes?.effectiveAt !== undefined)
      return stepAttribution(step, 'effectiveAt', step.corrections[index]);
  }
  return stepAttribution(step, 'effectiveAt', step.original);
}

/** How a timeline row cites its sources. */
export interface EventAttribution {
  /** The source of the row as it now reads: the last correction's when corrected, else the event's own. */
  readonly source: Attribution;
  /** For each path a correction changed (`effectiveAt`, `data.terms.amount`), the last correction that changed it. */
  readonly corrected: Sources;
  /** Other sources that confirm the event; present only when there are some. */
  readonly corroboratedBy?: readonly Attribution[];
  /** For each claimed field (`effectiveAt`, `data.terms.amount`), every claim and the current one; present only when there are some. */
  readonly claims?: Readonly<Record<string, ClaimSet>>;
}

/** The attribution of one event's row: the event as recorded, corrected by its corrections in turn. */
export function eventAttribution(step: FoldedEvent): EventAttribution {
  const corrected: Record<string, Attribution> = {};
  for (const correction of step.corrections) {
    const { changes } = correction.data;
    if (changes?.effectiveAt !== undefined) corrected.effectiveAt = attributionOf(correction);
    if (isPlainObject(changes?.data)) for (const path of changedPaths(changes.data, 'data')) corrected[path] = attributionOf(correction);
  }
  const last = step.corrections[step.corrections.length - 1];
  const corroborations = step.claims?.corroborations ?? [];
  const claimSets = step.claims?.claimSets ?? [];
  return {
    source: attributionOf(last ?? step.original),
    corrected,
    ...(corroborations.length > 0 && { corroboratedBy: corroborations.map(attributionOf) }),
    ...(claimSets.length > 0 && {
      claims: Object.fromEntries(claimSets.map((set) => [set.field === 'effectiveAt' ? 'effectiveAt' : `data.${set.field}`, set])),
    }),
  };
}

function changedPaths(changes: Readonly<Record<string, unknown>>, prefix: string): string[] {
  return Object.entries(changes).flatMap(([key, value]) => {
    if (value === undefined) return [];
    const path = `${prefix}.${key}`;
    return isPlainObject(value) && Object.keys(value).length > 0 ? changedPaths(value, path) : [path];
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Sources as stored: each distinct attribution once, and each path by the
 * index of its attribution. Most facts of an entity cite the same event, so
 * this keeps a version row from repeating one source per fact.
 */
export interface PackedSources {
  readonly cite: readonly Attribution[];
  readonly paths: Readonly<Record<string, number>>;
}

export function packSources(sources: Sources): PackedSources {
  const cite: Attribution[] = [];
  const index = new Map<string, number>();
  const paths: Record<string, number> = {};
  for (const [path, attribution] of Object.entries(sources)) {
    // One event's attribution differs by fact only in the claims of a claimed fact and its corroborations.
    const key = `${attribution.eventId}\n${attribution.claims?.field ?? ''}\n${attribution.corroboratedBy ? 'corroborated' : ''}`;
    let at = index.get(key);
    if (at === undefined) {
      at = cite.push(attribution) - 1;
      index.set(key, at);
    }
    paths[path] = at;
  }
  return { cite, paths };
}

export function unpackSources(packed: PackedSources | null | undefined): Sources {
  if (!packed) return {};
  const sources: Record<string, Attribution> = {};
  for (const [path, at] of Object.entries(packed.paths)) sources[path] = packed.cite[at];
  return sources;
}
