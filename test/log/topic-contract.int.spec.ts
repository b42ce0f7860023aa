import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ConfigResourceTypes, Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { CloudEvent, Kafka as CloudEventsKafka, ValidationError } from 'cloudevents';
import type { KafkaMessage as CloudEventsKafkaMessage } from 'cloudevents';
import {
  applyRevisions,
  CONFIDENCES,
  EffectiveTime,
  findRevisionProblems,
  formatEffectiveTime,
  parseEffectiveTime,
  Precision,
  PRECISIONS,
  RecordedEvent,
} from '@timeline/domain';
import { dataSchema, EVENT_TYPES, schemaVersions, validateEventData } from '@timeline/event-schemas';
import { fromKafkaMessage } from '@timeline/log';
import { seedEntityId } from '@timeline/seeds';
import { SeedLoader } from '../../apps/api/src/seeds/seed-loader';
import { seedEmptyStore } from '../../apps/api/src/serve';
import { testKafkaBrokers } from '../setup/environment';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The topic as a public interface (docs/events.md), checked the way an outside
 * consumer meets it: the service runs in process on PostgreSQL with the relay
 * to a fresh topic, the Belarus–Russia data set is loaded through the command
 * bus, and a kafkajs consumer of its own reads the raw records from the start
 * until it holds every event of the events table and the end of every partition.
 */
const SET = 'belarus-russia-2018-2021';
const PARTITIONS = 3; // KAFKA_PARTITIONS in test/support/test-app.ts

/** Headers every record carries. */
const REQUIRED_HEADERS = [
  'ce_specversion',
  'ce_id',
  'ce_type',
  'ce_source',
  'ce_time',
  'ce_subject',
  'ce_dataschema',
  'ce_schemaversion',
  'ce_streamtype',
  'ce_streamversion',
  'ce_position',
  'ce_effectiveat',
  'ce_precision',
  'ce_recordedat',
  'ce_actor',
  'ce_confidence',
  'ce_correlationid',
  'content-type',
];
/** Headers some records carry: ce_effectiveuntil on ranges, ce_causationid on revisions. */
const OPTIONAL_HEADERS = ['ce_effectiveuntil', 'ce_causationid'];

/** The stream type of each event type, and the data field that holds the stream's id; revisions go to the stream they fix. */
const STREAMS: Record<string, { streamType: string; idField: string } | 'revision'> = {
  CommitmentRecorded: { streamType: 'commitment', idField: 'commitmentId' },
  CommitmentTermsAmended: { streamType: 'commitment', idField: 'commitmentId' },
  CommitmentDisbursed: { streamType: 'commitment', idField: 'commitmentId' },
  CommitmentStatusChanged: { streamType: 'commitment', idField: 'commitmentId' },
  PartyRegistered: { streamType: 'party', idField: 'partyId' },
  TrackOpened: { streamType: 'track', idField: 'trackId' },
  TrackStatusChanged: { streamType: 'track', idField: 'trackId' },
  TrackDeadlineSet: { streamType: 'track', idField: 'trackId' },
  DeploymentStarted: { streamType: 'deployment', idField: 'deploymentId' },
  DeploymentEnded: { streamType: 'deployment', idField: 'deploymentId' },
  OccurrenceRecorded: { streamType: 'occurrence', idField: 'occurrenceId' },
  EventCorrected: 'revision',
  EventRetracted: 'revision',
  // Claims are about another event of the stream, as revisions are: ce_causationid names it.
  SourceCorroborated: 'revision',
  ClaimRecorded: 'revision',
  ClaimChosen: 'revision',
};
const STREAM_TYPES = ['commitment', 'party', 'track', 'deployment', 'occurrence'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const POSITIVE_INTEGER = /^[1-9][0-9]*$/;

interface RawRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly headers: Readonly<Record<string, string>>;
  /** Header names that occur more than once on the record. */
  readonly repeatedHeaders: readonly string[];
  readonly value: string | null;
  readonly message: KafkaMessage;
}

describe(`the Kafka topic as a public interface, with the ${SET} data set`, () => {
  let t: TestApp;
  let kafka: Kafka;
  let table: RecordedEvent[];
  let records: RawRecord[];
  const http = () => t.http();

  beforeAll(async () => {
    t = await startTestApp({ backend: 'postgres', kafka: true, env: { TIMELINE_SEED: SET } });
    await seedEmptyStore(t.app.get(SeedLoader), t.runtime, () => undefined);
    table = await t.runtime.store.readAll({ after: '0', limit: 100_000 });
    const { rows } = await t.runtime.db.pool.query<{ count: number }>('SELECT count(*)::int AS count FROM events');
    expect(table).toHaveLength(rows[0].count);
    expect(table.length).toBeGreaterThan(80);

    kafka = new Kafka({ clientId: 'topic-contract-test', brokers: testKafkaBrokers(), logLevel: logLevel.ERROR });
    // Generous: the relay's leader lock is per database, so relays of other test files running
    // on the same database (in other schemas) publish in turns with this one.
    records = await readWholeTopic(kafka, t.topic!, new Set(table.map((event) => event.id)), 240_000);
  }, 400_000);
  afterAll(async () => {
    await t?.close();
  });

  it('is created with KAFKA_PARTITIONS partitions and kept forever', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [t.topic!] });
      expect(metadata.topics[0].partitions).toHaveLength(PARTITIONS);
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: t.topic!, configNames: ['retention.ms', 'cleanup.policy'] }],
      });
      const entries = Object.fromEntries(described.resources[0].configEntries.map((entry) => [entry.configName, entry.configValue]));
      expect(entries).toEqual({ 'retention.ms': '-1', 'cleanup.policy': 'delete' });
    } finally {
      await admin.disconnect();
    }
  });

  it('holds every event of the events table, and nothing else', () => {
    const ids = new Set(table.map((event) => event.id));
    const onTopic = new Set(records.map((record) => record.headers.ce_id));
    expect([...ids].filter((id) => !onTopic.has(id))).toEqual([]);
    expect([...onTopic].filter((id) => !ids.has(id))).toEqual([]);
    expect(records.length).toBeGreaterThanOrEqual(table.length);
  });

  it('gives every record the documented headers, key and value, and data that matches the published schema', () => {
    const byId = new Map(table.map((event) => [event.id, event]));
    const problems = records.flatMap((record) => recordProblems(record, byId));
    expect(problems).toEqual([]);
    // The data set has ranges and revisions, so the conditional headers were exercised.
    expect(records.some((record) => record.headers.ce_precision === 'range')).toBe(true);
    expect(records.some((record) => record.headers.ce_causationid !== undefined)).toBe(true);
  });

  it('has checks that catch broken records (a control on the check above)', () => {
    const byId = new Map(table.map((event) => [event.id, event]));
    /** The record with some headers changed (undefined removes one) and other fields replaced. */
    const broken = (record: RawRecord, headers: Record<string, string | undefined>, rest: Partial<RawRecord> = {}): RawRecord => {
      const changed: Record<string, string> = {};
      for (const [name, value] of Object.entries({ ...record.headers, ...headers })) if (value !== undefined) changed[name] = value;
      return { ...record, ...rest, headers: changed };
    };
    const ranges = records.filter((record) => record.headers.ce_precision === 'range');
    const revisions = records.filter((record) => record.headers.ce_causationid !== undefined);
    expect(ranges.length * revisions.length).toBeGreaterThan(0);
    for (const range of ranges) {
      const data = JSON.parse(range.value!).data;
      const cases: [RawRecord, RegExp][] = [
        [broken(range, { ce_effectiveuntil: undefined }), /ce_effectiveuntil is absent with precision range/],
        [broken(range, {}, { key: 'party-XX' }), /key "party-XX" differs from ce_subject/],
        [broken(range, { ce_source: '/negotiation-timeline/elsewhere' }), /ce_source .* does not match/],
        [broken(range, { ce_dataschema: 'urn:negotiation-timeline:schema:NoSuchType:v1' }), /ce_dataschema .* does not name/],
        // The relative reference of earlier releases: the SDK refuses it, as the spec wants an absolute URI.
        [
          broken(range, { ce_dataschema: `/v1/schemas/${range.headers.ce_type}?version=${range.headers.ce_schemaversion}` }),
          /the CloudEvents SDK refuses it: invalid payload/,
        ],
        [broken(range, { ce_source: '' }), /the CloudEvents SDK refuses it/],
        [broken(range, { ce_time: '2021-09-10' }), /ce_time "2021-09-10" is not an ISO 8601 UTC instant/],
        [broken(range, { ce_precision: 'week' }), /ce_precision "week" is not one of/],
        [broken(range, { ce_id: 'not-a-uuid' }), /ce_id "not-a-uuid" is not a UUIDv7/],
        [broken(range, { ce_specversion: undefined }), /missing headers ce_specversion/],
        [broken(range, { ce_extra: 'x' }), /undocumented headers ce_extra/],
        [
          broken(range, {}, { value: JSON.stringify({ data: { ...data, unknownField: 'x' }, source: { title: 'x' } }) }),
          /data does not match/,
        ],
        [broken(range, {}, { value: JSON.stringify({ data, source: {} }) }), /value.source.title is not a text/],
        [broken(range, {}, { value: '{"data":' }), /value is not JSON/],
      ];
      for (const [record, problem] of cases) expect(recordProblems(record, byId).join('\n')).toMatch(problem);
    }
    for (const revision of revisions) {
      expect(recordProblems(broken(revision, { ce_causationid: undefined }), byId).join('\n')).toMatch(
        /ce_causationid "undefined" is not the revised event/,
      );
    }
  });

  it('keeps each stream on one partition, in stream-version order, so that dropping repeats by ce_streamversion sees each event once', () => {
    const problems: string[] = [];
    const partitionOf = new Map<string, number>();
    const applied = new Map<string, { version: number; position: bigint }>();
    const idAt = new Map<string, string>();
    let repeats = 0;
    for (const record of records) {
      const { ce_subject: subject, ce_id: id } = record.headers;
      const version = Number(record.headers.ce_streamversion);
      const position = BigInt(record.headers.ce_position);
      const where = `${subject} v${version} (partition ${record.partition}, offset ${record.offset})`;
      const partition = partitionOf.get(subject);
      if (partition === undefined) partitionOf.set(subject, record.partition);
      else if (partition !== record.partition) problems.push(`${where}: stream also on partition ${partition}`);

      const last = applied.get(subject) ?? { version: 0, position: 0n };
      if (version <= last.version) {
        repeats++;
        if (idAt.get(`${subject}@${version}`) !== id) problems.push(`${where}: a repeat of version ${version} with another ce_id`);
        continue;
      }
      if (version !== last.version + 1) problems.push(`${where}: arrived after version ${last.version}`);
      if (position <= last.position) problems.push(`${where}: ce_position ${position} not after ${last.position}`);
      applied.set(subject, { version, position });
      idAt.set(`${subject}@${version}`, id);
    }
    expect(problems).toEqual([]);

    // What a reader keeps is the events table, stream by stream.
    const streams = new Map<string, string[]>();
    for (const event of table) streams.set(event.streamId, [...(streams.get(event.streamId) ?? []), event.id]);
    for (const [streamId, ids] of streams) {
      expect({ streamId, ids: ids.map((_, index) => idAt.get(`${streamId}@${index + 1}`)) }).toEqual({ streamId, ids });
    }
    expect(applied.size).toBe(streams.size);
    // At least once: a repeat is allowed (none is expected without a relay crash), so it is reported, not failed.
    if (repeats > 0) console.warn(`topic-contract: ${repeats} repeated records were dropped by stream version`);
  });

  it('lets a consumer apply corrections as documented: shared air defense starts no later than 8 September 2021', () => {
    const streamId = `track-${seedEntityId('shared-air-defense')}`;
    const events = firstOfEachVersion(records.filter((record) => record.key === streamId)).map((record) =>
      fromKafkaMessage(record.message),
    );
    expect(events.map((event) => event.type)).toEqual(['TrackOpened', 'EventCorrected']);
    const [recorded, correction] = events;
    expect(correction.causationId).toBe(recorded.id);
    expect(correction.data).toMatchObject({ eventId: recorded.id, eventType: 'TrackOpened' });
    expect(recorded.effectiveAt).toEqual(parseEffectiveTime('2008/2021-09'));

    const [applied] = applyRevisions(events);
    expect(applied.id).toBe(recorded.id);
    expect(applied.effectiveAt).toEqual(parseEffectiveTime('1999-12-08/2021-09-08'));
    expect(applied.data).toEqual(recorded.data);
    expect(applied.source).toEqual(recorded.source);
  });

  it('carries a competing claim as its own record, leaving the claimed event as it was: the meeting on 10 and on 9 September', () => {
    const streamId = `occurrence-${seedEntityId('meeting-putin-lukashenka')}`;
    const events = firstOfEachVersion(records.filter((record) => record.key === streamId)).map((record) =>
      fromKafkaMessage(record.message),
    );
    expect(events.map((event) => event.type)).toEqual(['OccurrenceRecorded', 'ClaimRecorded']);
    const [recorded, claim] = events;
    expect(claim.causationId).toBe(recorded.id);
    expect(claim.data).toEqual({
      eventId: recorded.id,
      eventType: 'OccurrenceRecorded',
      field: 'effectiveAt',
      value: '2021-09-09',
    });
    expect(claim.source.publisher).toBe('Belsat');
    const [applied] = applyRevisions(events);
    expect(applied.effectiveAt).toEqual({ at: '2021-09-10T00:00:00.000Z', precision: 'day' });
    expect(applied.data).toEqual(recorded.data);
  });

  it('names, in every revision, an earlier event of its own stream of the type it says', () => {
    // Every revision on the topic names an earlier event of its own stream, of the type it says.
    const byStream = new Map<string, RecordedEvent[]>();
    for (const record of firstOfEachVersion(records)) {
      const event = fromKafkaMessage(record.message);
      byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event]);
    }
    expect([...byStream.values()].flatMap((stream) => findRevisionProblems(stream))).toEqual([]);
  });

  it('serves at GET /v1/schemas/{type}?version={n} the schema each ce_dataschema names, the one the records are validated with', async () => {
    const seenTypes = [...new Set(records.map((record) => record.headers.ce_type))].sort();
    expect(seenTypes.length).toBeGreaterThanOrEqual(10);
    const list = (await http().get('/v1/schemas').expect(200)).body as { items: { type: string; versions: number[]; latest: number }[] };
    expect(list.items.map((item) => item.type).sort()).toEqual([...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) {
      expect(list.items.find((item) => item.type === type)).toEqual({
        type,
        versions: schemaVersions(type),
        latest: Math.max(...schemaVersions(type)),
      });
      const latest = await http().get(`/v1/schemas/${type}`).expect(200);
      expect({ type, schema: latest.body }).toEqual({ type, schema: dataSchema(type) });
    }
    for (const uri of new Set(records.map((record) => record.headers.ce_dataschema))) {
      const [, type, version] = /^urn:negotiation-timeline:schema:([A-Za-z]+):v(\d+)$/.exec(uri)!;
      const served = await http().get(`/v1/schemas/${type}?version=${version}`).expect(200);
      expect({ uri, schema: served.body }).toEqual({ uri, schema: dataSchema(type, Number(version)) });
    }
  });

  it('is described in docs/events.md: every header and every event type', () => {
    const doc = readFileSync(resolve(__dirname, '../../docs/events.md'), 'utf8');
    const names = new Set(records.flatMap((record) => Object.keys(record.headers)));
    expect([...names].filter((name) => !doc.includes(`\`${name}\``))).toEqual([]);
    expect(EVENT_TYPES.filter((type) => !new RegExp(`^### \`?${type}\`?\\s*$`, 'm').test(doc))).toEqual([]);
  });
});

/** Everything wrong with one record, each problem naming the record. */
function recordProblems(record: RawRecord, table: ReadonlyMap<string, RecordedEvent>): string[] {
  const h = record.headers;
  const problems: string[] = [];
  const fail = (message: string) =>
    problems.push(`partition ${record.partition} offset ${record.offset} (${h.ce_type ?? '?'} ${h.ce_id ?? '?'}): ${message}`);

  const missing = REQUIRED_HEADERS.filter((name) => h[name] === undefined);
  if (missing.length > 0) fail(`missing headers ${missing.join(', ')}`);
  const unknown = Object.keys(h).filter((name) => !REQUIRED_HEADERS.includes(name) && !OPTIONAL_HEADERS.includes(name));
  if (unknown.length > 0) fail(`undocumented headers ${unknown.join(', ')}`);
  if (record.repeatedHeaders.length > 0) fail(`headers given more than once: ${record.repeatedHeaders.join(', ')}`);
  if (missing.length > 0) return problems;

  // As a conformant consumer reads it: the official SDK's Kafka binding, then its validation.
  const sdkProblem = cloudEventsSdkRefusal(record);
  if (sdkProblem) fail(`the CloudEvents SDK refuses it: ${sdkProblem}`);

  if (h.ce_specversion !== '1.0') fail(`ce_specversion is "${h.ce_specversion}"`);
  if (!UUID_V7.test(h.ce_id)) fail(`ce_id "${h.ce_id}" is not a UUIDv7`);
  const stream = STREAMS[h.ce_type];
  if (!stream) fail(`ce_type "${h.ce_type}" is not an event type of schemas.ts`);
  if (!STREAM_TYPES.includes(h.ce_streamtype)) fail(`ce_streamtype "${h.ce_streamtype}" is not a known stream type`);
  if (stream && stream !== 'revision' && h.ce_streamtype !== stream.streamType) fail(`a ${h.ce_type} on a ${h.ce_streamtype} stream`);
  if (h.ce_source !== `/negotiation-timeline/${h.ce_streamtype}`)
    fail(`ce_source "${h.ce_source}" does not match stream type ${h.ce_streamtype}`);
  if (!h.ce_subject.startsWith(`${h.ce_streamtype}-`) || h.ce_subject.length <= h.ce_streamtype.length + 1) {
    fail(`ce_subject "${h.ce_subject}" is not <streamType>-<id>`);
  }
  if (record.key !== h.ce_subject) fail(`key "${record.key}" differs from ce_subject "${h.ce_subject}"`);
  if (!ISO_INSTANT.test(h.ce_time)) fail(`ce_time "${h.ce_time}" is not an ISO 8601 UTC instant`);
  if (!ISO_INSTANT.test(h.ce_recordedat)) fail(`ce_recordedat "${h.ce_recordedat}" is not an ISO 8601 UTC instant`);
  if (h.ce_time !== h.ce_recordedat) fail(`ce_time ${h.ce_time} differs from ce_recordedat ${h.ce_recordedat}`);
  if (!POSITIVE_INTEGER.test(h.ce_schemaversion)) fail(`ce_schemaversion "${h.ce_schemaversion}" is not a positive integer`);
  if (h.ce_dataschema !== `urn:negotiation-timeline:schema:${h.ce_type}:v${h.ce_schemaversion}`) {
    fail(`ce_dataschema "${h.ce_dataschema}" does not name ${h.ce_type} version ${h.ce_schemaversion}`);
  }
  if (!POSITIVE_INTEGER.test(h.ce_streamversion)) fail(`ce_streamversion "${h.ce_streamversion}" is not a positive integer`);
  if (!POSITIVE_INTEGER.test(h.ce_position)) fail(`ce_position "${h.ce_position}" is not a positive integer`);
  if (!(PRECISIONS as readonly string[]).includes(h.ce_precision))
    fail(`ce_precision "${h.ce_precision}" is not one of ${PRECISIONS.join(', ')}`);
  if (!ISO_INSTANT.test(h.ce_effectiveat)) fail(`ce_effectiveat "${h.ce_effectiveat}" is not an ISO 8601 UTC instant`);
  if ((h.ce_precision === 'range') !== (h.ce_effectiveuntil !== undefined)) {
    fail(`ce_effectiveuntil is ${h.ce_effectiveuntil === undefined ? 'absent' : 'present'} with precision ${h.ce_precision}`);
  }
  if (h.ce_effectiveuntil !== undefined && !(ISO_INSTANT.test(h.ce_effectiveuntil) && h.ce_effectiveuntil > h.ce_effectiveat)) {
    fail(`ce_effectiveuntil "${h.ce_effectiveuntil}" is not an instant after ce_effectiveat`);
  }
  const effectiveAt: EffectiveTime = h.ce_effectiveuntil
    ? { at: h.ce_effectiveat, precision: h.ce_precision as Precision, until: h.ce_effectiveuntil }
    : { at: h.ce_effectiveat, precision: h.ce_precision as Precision };
  if (problems.length === 0) {
    // ce_effectiveat is the first instant of a period of that precision (2021-09 → 2021-09-01T00:00:00.000Z).
    const text = formatEffectiveTime(effectiveAt);
    if (!isDeepStrictEqual(parseEffectiveTime(text), effectiveAt))
      fail(`effective time ${JSON.stringify(effectiveAt)} is not the start of a ${h.ce_precision}`);
  }
  if (!(CONFIDENCES as readonly string[]).includes(h.ce_confidence))
    fail(`ce_confidence "${h.ce_confidence}" is not one of ${CONFIDENCES.join(', ')}`);
  if (h.ce_actor.trim() === '') fail('ce_actor is empty');
  if (!UUID.test(h.ce_correlationid)) fail(`ce_correlationid "${h.ce_correlationid}" is not a UUID`);
  if (h['content-type'] !== 'application/json') fail(`content-type is "${h['content-type']}"`);

  let value: { data?: unknown; source?: { title?: unknown } } | undefined;
  try {
    value = JSON.parse(record.value ?? '');
  } catch {
    fail('value is not JSON');
  }
  if (value !== undefined) {
    if (
      typeof value !== 'object' ||
      value === null ||
      Array.isArray(value) ||
      !isDeepStrictEqual(Object.keys(value).sort(), ['data', 'source'])
    ) {
      fail(`value is not an object {data, source}: ${record.value?.slice(0, 200)}`);
    } else {
      if (typeof value.source?.title !== 'string' || value.source.title.trim() === '') fail('value.source.title is not a text');
      const schemaProblems = validateEventData(h.ce_type, value.data, Number(h.ce_schemaversion));
      if (schemaProblems.length > 0) fail(`data does not match ${h.ce_dataschema}: ${JSON.stringify(schemaProblems)}`);
      const data = value.data as Record<string, unknown>;
      if (stream === 'revision') {
        if (h.ce_causationid !== data?.eventId)
          fail(`ce_causationid "${h.ce_causationid}" is not the revised event ${String(data?.eventId)}`);
      } else {
        if (h.ce_causationid !== undefined) fail(`ce_causationid on an event that revises nothing`);
        if (stream && data?.[stream.idField] !== h.ce_subject.slice(h.ce_streamtype.length + 1)) {
          fail(`data.${stream.idField} "${String(data?.[stream.idField])}" is not the id in ce_subject ${h.ce_subject}`);
        }
      }
    }
  }

  // The record says what the events table says.
  const event = table.get(h.ce_id);
  if (!event) {
    fail('no event of the events table has this ce_id');
  } else {
    const expected: Record<string, string | undefined> = {
      ce_type: event.type,
      ce_subject: event.streamId,
      ce_streamtype: event.streamType,
      ce_streamversion: String(event.streamVersion),
      ce_position: event.position,
      ce_schemaversion: String(event.schemaVersion),
      ce_effectiveat: event.effectiveAt.at,
      ce_precision: event.effectiveAt.precision,
      ce_effectiveuntil: event.effectiveAt.until,
      ce_recordedat: event.recordedAt,
      ce_actor: event.actor,
      ce_confidence: event.confidence,
      ce_correlationid: event.correlationId,
      ce_causationid: event.causationId ?? undefined,
    };
    for (const [name, wanted] of Object.entries(expected)) {
      if (h[name] !== wanted) fail(`${name} is "${h[name]}", the events table says "${wanted}"`);
    }
    if (value && !isDeepStrictEqual(value.data, event.data)) fail('value.data differs from the events table');
    if (value && !isDeepStrictEqual(value.source, event.source)) fail('value.source differs from the events table');
  }
  return problems;
}

/** Why the `cloudevents` SDK's Kafka binding and validation refuse the record; undefined when they accept it. */
function cloudEventsSdkRefusal(record: RawRecord): string | undefined {
  try {
    const value = record.value ?? '';
    const message: CloudEventsKafkaMessage<string> = { headers: { ...record.headers }, key: record.key ?? '', value, body: value };
    const event = CloudEventsKafka.toEvent(message) as CloudEvent<unknown>;
    event.validate();
    return undefined;
  } catch (error) {
    const details = error instanceof ValidationError ? ` ${JSON.stringify(error.errors ?? [])}` : '';
    return `${(error as Error).message}${details}`;
  }
}

/** The records a reader applies: for each stream, the first record of each stream version, in order. */
function firstOfEachVersion(records: readonly RawRecord[]): RawRecord[] {
  const highest = new Map<string, number>();
  return records.filter((record) => {
    const version = Number(record.headers.ce_streamversion);
    if (version <= (highest.get(record.headers.ce_subject) ?? 0)) return false;
    highest.set(record.headers.ce_subject, version);
    return true;
  });
}

/**
 * Reads the topic from the beginning with a consumer group of its own, keeping
 * the raw records, until every id in `ids` has been seen and every partition is
 * read to the end it had at that moment.
 */
async function readWholeTopic(kafka: Kafka, topic: string, ids: ReadonlySet<string>, timeoutMs: number): Promise<RawRecord[]> {
  const admin = kafka.admin();
  const consumer = kafka.consumer({ groupId: `topic-contract-${randomBytes(5).toString('hex')}` });
  const records: RawRecord[] = [];
  const missing = new Set(ids);
  const nextOffset = new Map<number, bigint>();
  let ends: Map<number, bigint> | undefined;
  await admin.connect();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolvePromise, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `read ${records.length} records of ${topic}; ${missing.size} events of the table still missing when the time ran out`,
            ),
          ),
        timeoutMs,
      );
      const finished = () => ends !== undefined && [...ends].every(([partition, end]) => (nextOffset.get(partition) ?? 0n) >= end);
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const record = rawRecord(partition, message);
            records.push(record);
            nextOffset.set(partition, BigInt(message.offset) + 1n);
            if (record.headers.ce_id !== undefined) missing.delete(record.headers.ce_id);
            if (missing.size === 0 && ends === undefined) {
              const offsets = await admin.fetchTopicOffsets(topic);
              ends = new Map(offsets.map((offset) => [offset.partition, BigInt(offset.high)]));
            }
            if (finished()) {
              clearTimeout(timer);
              resolvePromise();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    await admin.disconnect();
  }
  return records;
}

function rawRecord(partition: number, message: KafkaMessage): RawRecord {
  const headers: Record<string, string> = {};
  const repeatedHeaders: string[] = [];
  for (const [name, raw] of Object.entries(message.headers ?? {})) {
    if (raw === undefined) continue;
    if (Array.isArray(raw)) repeatedHeaders.push(name);
    const value = Array.isArray(raw) ? raw[0] : raw;
    headers[name] = String(value);
  }
  return {
    partition,
    offset: message.offset,
    key: message.key?.toString('utf8') ?? null,
    headers,
    repeatedHeaders,
    value: message.value?.toString('utf8') ?? null,
    message,
  };
}
