import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { v5 as uuidv5 } from 'uuid';
import { isMap, isSeq, LineCounter, parseDocument, Node, Document } from 'yaml';
import {
  AGGREGATES,
  aggregateOfEvent,
  CONFIDENCES,
  Confidence,
  EffectiveTime,
  InvalidEffectiveTime,
  parseEffectiveTime,
  Source,
} from '@timeline/domain';
import { validateEventData, validateSource } from '@timeline/event-schemas';

/**
 * Data sets as files a person edits: YAML, one folder per set, entries shaped
 * like events. Every problem is reported with its file, line and field.
 */
export interface SeedProblem {
  readonly file: string;
  readonly line: number;
  readonly field: string;
  readonly message: string;
}

export class InvalidSeed extends Error {
  constructor(readonly problems: SeedProblem[]) {
    super(`the data set has ${problems.length} problem(s):\n${problems.map((p) => `  ${p.file}:${p.line}: ${p.field}: ${p.message}`).join('\n')}`);
    this.name = 'InvalidSeed';
  }
}

export interface SeedEntry {
  readonly dataset: string;
  readonly key: string;
  readonly file: string;
  readonly line: number;
  readonly type: string;
  /** The entity this entry creates or changes (its id); for revisions, the target entry's entity. */
  readonly entityId: string;
  readonly streamType: string;
  readonly effectiveAt: string;
  readonly effective: EffectiveTime;
  readonly source: Source;
  readonly confidence: Confidence;
  /** The event's data with its id filled in (for revisions: changes and reason). */
  readonly data: Record<string, unknown>;
  /** For revisions and claims: the key of the entry they fix, confirm or dispute. */
  readonly target?: string;
}

export interface SeedSet {
  readonly name: string;
  readonly entries: SeedEntry[];
}

const REVISIONS = ['EventCorrected', 'EventRetracted'];
/** Another source about an earlier entry: one that confirms it, or one that gives another value for one of its fields. */
const CLAIMS = ['SourceCorroborated', 'ClaimRecorded'];

/** True for the event types that bring an entity into being (a command answered 201). */
export function createsEntity(type: string): boolean {
  return aggregateOfEvent(type)?.creationEvent === type;
}

// Ids made from keys, so the same entry gets the same id in every set and on every load.
const SEED_NAMESPACE = '4f1f5f2e-8d3c-4c8e-9a51-6d3c2b7f0a11';
export function seedEntityId(key: string): string {
  return uuidv5(key, SEED_NAMESPACE);
}

const KEY = /^[a-z0-9][a-z0-9-]{0,80}$/;
const DATASET = /^[a-z0-9][a-z0-9-]{0,60}$/;

export function availableSeeds(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'events.yaml')))
    .map((entry) => entry.name)
    .sort();
}

/** Reads a data set and the sets it includes, in order; throws InvalidSeed naming every problem. */
export function readSeedSet(root: string, name: string): SeedSet {
  const problems: SeedProblem[] = [];
  const entries: SeedEntry[] = [];
  const created = new Map<string, SeedEntry>();
  const seen = new Set<string>();
  readInto(root, name, [], entries, created, seen, problems);
  if (problems.length) throw new InvalidSeed(problems);
  return { name, entries };
}

function readInto(
  root: string,
  name: string,
  chain: string[],
  entries: SeedEntry[],
  created: Map<string, SeedEntry>,
  seen: Set<string>,
  problems: SeedProblem[],
): void {
  const path = join(root, name, 'events.yaml');
  const file = relative(process.cwd(), path) || path;
  if (!DATASET.test(name) || !existsSync(path)) {
    problems.push({ file, line: 1, field: 'dataset', message: `no data set "${name}" (known: ${availableSeeds(root).join(', ') || 'none'})` });
    return;
  }
  if (chain.includes(name)) {
    problems.push({ file, line: 1, field: 'include', message: `includes itself through ${[...chain, name].join(' → ')}` });
    return;
  }
  const lines = new LineCounter();
  const doc = parseDocument(readFileSync(path, 'utf8'), { lineCounter: lines, prettyErrors: false });
  const at = (node: unknown) => lineOf(node, lines);
  for (const error of doc.errors) {
    problems.push({ file, line: lines.linePos(error.pos[0]).line, field: 'yaml', message: error.message.split('\n')[0] });
  }
  if (doc.errors.length) return;
  const problem: Report = (node, field, message) => {
    problems.push({ file, line: at(node), field, message });
  };

  const top = doc.contents;
  if (!isMap(top)) return problem(top, 'document', 'must be a mapping with dataset, sources and events');
  for (const pair of top.items) {
    const key = textOf((pair.key as { value?: unknown })?.value ?? pair.key);
    if (!['dataset', 'include', 'sources', 'events'].includes(key)) problem(pair.key, key, 'is not a known field');
  }
  const dataset = doc.get('dataset');
  if (dataset !== name) problem(doc.getIn(['dataset'], true) ?? top, 'dataset', `must be "${name}", the folder's name`);

  const include = doc.get('include');
  const included = (doc.toJS() as { include?: unknown }).include ?? [];
  if (include !== undefined && !(Array.isArray(included) && included.every((item) => typeof item === 'string'))) {
    problem(doc.getIn(['include'], true), 'include', 'must be a list of data set names');
  } else {
    for (const other of included as string[]) {
      readInto(root, other, [...chain, name], entries, created, seen, problems);
    }
  }

  const sources = readSources(doc, problem);
  const events = doc.getIn(['events'], true);
  if (!isSeq(events)) return problem(events ?? top, 'events', 'must be a list of entries');
  events.items.forEach((node, index) => {
    const entry = readEntry(node, index, name, file, sources, created, seen, problem, at);
    if (entry) entries.push(entry);
  });
}

type Report = (node: unknown, field: string, message: string) => void;

/** A YAML scalar as text, a mapping or list as JSON, so that a message can quote what was written. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}

const SOURCE_FIELDS = ['title', 'publisher', 'url', 'publishedAt', 'publishedAtEstimated', 'note'];

function readSources(doc: Document, problem: Report): Map<string, Source> {
  const sources = new Map<string, Source>();
  const node = doc.getIn(['sources'], true);
  if (!isMap(node)) {
    problem(node ?? doc.contents, 'sources', `must map source keys to {${SOURCE_FIELDS.map((field, index) => (index ? `${field}?` : field)).join(', ')}}`);
    return sources;
  }
  for (const pair of node.items) {
    const key = String((pair.key as { value?: unknown }).value);
    const value = (pair.value as Node | null)?.toJSON?.() as Record<string, unknown> | undefined;
    if (!value || typeof value !== 'object' || typeof value.title !== 'string' || !value.title) {
      problem(pair.value ?? pair.key, `sources.${key}.title`, 'is required');
      continue;
    }
    let bad = false;
    for (const field of Object.keys(value)) {
      if (!SOURCE_FIELDS.includes(field)) {
        problem(pair.value, `sources.${key}.${field}`, 'is not a known field');
        bad = true;
      }
    }
    for (const field of ['publisher', 'url', 'publishedAt', 'note'] as const) {
      if (value[field] !== undefined && (typeof value[field] !== 'string' || value[field] === '')) {
        problem(pair.value, `sources.${key}.${field}`, 'must be non-empty text');
        bad = true;
      }
    }
    if (typeof value.publishedAt === 'string') {
      try {
        parseEffectiveTime(value.publishedAt);
      } catch (error) {
        problem(pair.value, `sources.${key}.publishedAt`, (error as Error).message);
        bad = true;
      }
    }
    if (value.publishedAtEstimated !== undefined && typeof value.publishedAtEstimated !== 'boolean') {
      problem(pair.value, `sources.${key}.publishedAtEstimated`, 'must be true or false');
      bad = true;
    }
    const source: Source = {
      title: value.title,
      ...(typeof value.publisher === 'string' ? { publisher: value.publisher } : {}),
      ...(typeof value.url === 'string' ? { url: value.url } : {}),
      ...(typeof value.publishedAt === 'string' ? { publishedAt: value.publishedAt } : {}),
      ...(value.publishedAtEstimated === true ? { publishedAtEstimated: true } : {}),
      ...(typeof value.note === 'string' ? { note: value.note } : {}),
    };
    if (!bad) {
      for (const schemaProblem of validateSource(source)) problem(pair.value, `sources.${key}${schemaProblem.path ? `.${schemaProblem.path}` : ''}`, schemaProblem.message);
    }
    sources.set(key, source);
  }
  return sources;
}

const ENTRY_FIELDS = ['key', 'type', 'stream', 'target', 'effectiveAt', 'source', 'quote', 'paraphrase', 'note', 'confidence', 'data', 'changes', 'reason', 'field', 'value'];

function readEntry(
  node: unknown,
  index: number,
  dataset: string,
  file: string,
  sources: Map<string, Source>,
  created: Map<string, SeedEntry>,
  seen: Set<string>,
  problem: Report,
  at: (node: unknown) => number,
): SeedEntry | undefined {
  const path = `events[${index}]`;
  if (!isMap(node)) {
    problem(node, path, 'must be a mapping');
    return undefined;
  }
  const field = (name: string) => node.get(name, true) as Node | undefined;
  const value = (name: string) => (field(name) as { toJSON?: () => unknown } | undefined)?.toJSON?.() ?? node.get(name);
  let found = 0;
  const report: Report = (where, name, message) => {
    found++;
    problem(where, name, message);
  };
  for (const pair of node.items) {
    const name = String((pair.key as { value?: unknown }).value);
    if (!ENTRY_FIELDS.includes(name)) report(pair.key, `${path}.${name}`, 'is not a known field');
  }

  const key = value('key');
  if (typeof key !== 'string' || !KEY.test(key)) report(field('key') ?? node, `${path}.key`, 'must be a lower-case slug like "loan-600m"');
  else if (seen.has(key)) report(field('key'), `${path}.key`, `"${key}" is used by an earlier entry`);
  const label = typeof key === 'string' ? key : path;

  const type = value('type');
  const isRevision = REVISIONS.includes(String(type));
  const isClaim = CLAIMS.includes(String(type));
  if (typeof type !== 'string' || (!aggregateOfEvent(type) && !isRevision && !isClaim)) {
    const facts = AGGREGATES.flatMap((aggregate) => aggregate.eventTypes);
    report(field('type') ?? node, `${label}.type`, `must be one of ${[...facts, ...REVISIONS, ...CLAIMS].join(', ')}`);
    return undefined;
  }

  const sourceKey = value('source');
  const source = typeof sourceKey === 'string' ? sources.get(sourceKey) : undefined;
  if (!source) report(field('source') ?? node, `${label}.source`, `must name one of the sources: ${[...sources.keys()].join(', ')}`);
  // What supports the entry: the source's own words (`quote`), or, where we have only a summary
  // of what it says, that summary (`paraphrase`), never passed off as its words.
  const quote = value('quote');
  const paraphrase = value('paraphrase');
  const note = value('note');
  const passage: { quote?: string; paraphrase?: string; note?: string } = {};
  if (quote === undefined && paraphrase === undefined) {
    report(node, `${label}.quote`, 'is required: the passage of the source that supports this entry (or `paraphrase`, when the source is known only in other words than its own)');
  }
  for (const [name, given] of [['quote', quote], ['paraphrase', paraphrase], ['note', note]] as const) {
    if (given === undefined) continue;
    if (typeof given !== 'string' || given.trim().length === 0) report(field(name) ?? node, `${label}.${name}`, 'must be non-empty text');
    else passage[name] = given;
  }
  const confidence = value('confidence');
  if (!CONFIDENCES.includes(confidence as Confidence)) report(field('confidence') ?? node, `${label}.confidence`, `must be one of ${CONFIDENCES.join(', ')}`);

  let effective: EffectiveTime | undefined;
  // A claim is filed at the date of the fact it is about; a date of its own is refused.
  const claimed = isClaim && typeof value('target') === 'string' ? created.get(value('target') as string) : undefined;
  if (isClaim && field('effectiveAt')) report(field('effectiveAt'), `${label}.effectiveAt`, 'a claim is filed at the date of its target; give a date the source claims as field effectiveAt');
  const effectiveAt = isClaim ? claimed?.effectiveAt : value('effectiveAt');
  try {
    effective = isClaim ? claimed?.effective : parseEffectiveTime(textOf(effectiveAt ?? ''));
  } catch (error) {
    if (!(error instanceof InvalidEffectiveTime)) throw error;
    report(field('effectiveAt') ?? node, `${label}.effectiveAt`, error.message);
  }

  let entityId: string | undefined;
  let streamType: string;
  let data: Record<string, unknown> = {};
  let target: string | undefined;
  if (isClaim) {
    target = value('target') as string | undefined;
    if (!claimed || REVISIONS.includes(claimed.type) || CLAIMS.includes(claimed.type)) {
      report(field('target') ?? node, `${label}.target`, 'must be the key of an earlier entry that records a fact');
      return undefined;
    }
    entityId = claimed.entityId;
    streamType = claimed.streamType;
    if (type === 'ClaimRecorded') {
      const claimField = value('field');
      const claimValue = value('value');
      if (typeof claimField !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(claimField)) {
        report(field('field') ?? node, `${label}.field`, 'must be effectiveAt or a dotted path into the data of the target (terms.amount)');
      }
      if (claimValue === undefined || claimValue === null) report(field('value') ?? node, `${label}.value`, 'is required');
      data = { field: claimField, value: claimValue };
    } else {
      for (const name of ['field', 'value']) if (field(name)) report(field(name), `${label}.${name}`, 'is only for ClaimRecorded');
    }
  } else if (isRevision) {
    target = value('target') as string | undefined;
    const fixed = typeof target === 'string' ? created.get(target) : undefined;
    if (!fixed) {
      report(field('target') ?? node, `${label}.target`, 'must be the key of an earlier entry');
      return undefined;
    }
    entityId = fixed.entityId;
    streamType = fixed.streamType;
    const reason = value('reason');
    if (typeof reason !== 'string' || !reason.trim()) report(field('reason') ?? node, `${label}.reason`, 'is required');
    if (type === 'EventCorrected') {
      const changes = value('changes') as Record<string, unknown> | undefined;
      if (!changes || typeof changes !== 'object' || (!('effectiveAt' in changes) && !('data' in changes))) {
        report(field('changes') ?? node, `${label}.changes`, 'must hold effectiveAt, data or both');
      } else {
        for (const name of Object.keys(changes)) if (!['effectiveAt', 'data'].includes(name)) report(field('changes'), `${label}.changes.${name}`, 'is not a known field');
        if (changes.effectiveAt !== undefined) {
          try {
            parseEffectiveTime(textOf(changes.effectiveAt));
          } catch (error) {
            report(field('changes'), `${label}.changes.effectiveAt`, (error as Error).message);
          }
        }
      }
      data = { changes, reason };
    } else {
      data = { reason };
    }
  } else {
    const aggregate = aggregateOfEvent(type)!;
    streamType = aggregate.streamType;
    const stream = value('stream');
    if (aggregate.creationEvent === type) {
      if (stream !== undefined) report(field('stream'), `${label}.stream`, 'is only for entries that change an entity created earlier');
      const given = value('data') as Record<string, unknown> | undefined;
      entityId = aggregate.naturalKey ? textOf(given?.[aggregate.idField] ?? '') : typeof key === 'string' ? seedEntityId(key) : undefined;
    } else {
      const creator = typeof stream === 'string' ? created.get(stream) : undefined;
      if (!creator || creator.streamType !== aggregate.streamType) {
        report(field('stream') ?? node, `${label}.stream`, `must be the key of an earlier entry that created a ${aggregate.streamType}`);
      } else {
        entityId = creator.entityId;
      }
    }
    const given = value('data');
    if (!given || typeof given !== 'object' || Array.isArray(given)) {
      report(field('data') ?? node, `${label}.data`, 'must be a mapping');
    } else {
      data = { ...(given as Record<string, unknown>), [aggregate.idField]: entityId ?? '' };
      for (const schemaProblem of validateEventData(type, data)) {
        const where = schemaProblem.path ? (field('data') as { getIn?: (path: string[], keep: boolean) => unknown })?.getIn?.(schemaProblem.path.split('.'), true) : undefined;
        report(where ?? field('data'), `${label}.data${schemaProblem.path ? `.${schemaProblem.path}` : ''}`, schemaProblem.message);
      }
    }
  }
  if (source && found === 0) {
    for (const schemaProblem of validateSource(entrySource(source, passage))) {
      report(field(schemaProblem.path) ?? node, `${label}.${schemaProblem.path || 'source'}`, schemaProblem.message);
    }
  }
  if (found > 0 || typeof key !== 'string' || !entityId || !effective || !source) return undefined;
  seen.add(key);
  const entry: SeedEntry = {
    dataset,
    key,
    file,
    line: at(node),
    type,
    entityId,
    streamType: streamType!,
    effectiveAt: String(effectiveAt),
    effective,
    source: entrySource(source, passage),
    confidence: confidence as Confidence,
    data,
    ...(target ? { target } : {}),
  };
  created.set(key, entry);
  return entry;
}

/** The source as the entry cites it: the set's source, with the entry's passage and note. */
function entrySource(source: Source, passage: { quote?: string; paraphrase?: string; note?: string }): Source {
  const note = [passage.note, source.note].filter(Boolean).join(' ');
  const { note: _sourceNote, ...rest } = source;
  return {
    ...rest,
    ...(passage.quote !== undefined ? { quote: passage.quote } : {}),
    ...(passage.paraphrase !== undefined ? { paraphrase: passage.paraphrase } : {}),
    ...(note ? { note } : {}),
  };
}

function lineOf(node: unknown, lines: LineCounter): number {
  const range = (node as { range?: [number, number, number] } | undefined)?.range;
  return range ? lines.linePos(range[0]).line : 1;
}

