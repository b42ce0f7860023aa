/**
 * The published JSON Schemas (draft-07) of every event's `data`, by type and
 * schema version. They are the topic's public contract: consumers validate
 * records against them, seeds are checked with them, and GET /v1/schemas/{type}
 * serves them. A change to an event's shape adds a version; old versions stay.
 */
import {
  COMMITMENT_KINDS,
  COMMITMENT_STATUSES,
  OCCURRENCE_KINDS,
  OPEN_STATUSES,
  PARTY_CODE,
  PARTY_KINDS,
  PRECISIONS,
  TRACK_KINDS,
  TRACK_STATUSES,
} from '@timeline/domain';

type Schema = Record<string, unknown>;

const text = (maxLength = 2000): Schema => ({ type: 'string', minLength: 1, maxLength });
const decimal: Schema = { type: 'string', pattern: '^-?(0|[1-9][0-9]{0,17})(\\.[0-9]{1,6})?$', description: 'exact decimal, as a string' };
const currency: Schema = { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' };
const party: Schema = { type: 'string', pattern: PARTY_CODE.source, description: 'party code, e.g. BY' };
const parties: Schema = { type: 'array', items: party, minItems: 1, uniqueItems: true };
const effectiveTimeText: Schema = {
  type: 'string',
  pattern: '^\\d{4}(-\\d{2}(-\\d{2}(T[0-9:.]+(Z|[+-]\\d{2}:\\d{2}))?)?)?(/\\d{4}(-\\d{2}(-\\d{2}(T[0-9:.]+(Z|[+-]\\d{2}:\\d{2}))?)?)?)?$',
  description: 'YYYY, YYYY-MM, YYYY-MM-DD, an ISO 8601 instant with a zone, or a range A/B',
};
const claimField: Schema = {
  type: 'string',
  pattern: '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$',
  maxLength: 200,
  description: 'effectiveAt, or a dotted path into the data of the event (terms.amount)',
};
const effectiveTime: Schema = {
  type: 'object',
  required: ['at', 'precision'],
  additionalProperties: false,
  properties: {
    at: { type: 'string', format: 'date-time' },
    precision: { enum: PRECISIONS },
    until: { type: 'string', format: 'date-time' },
  },
};
const id: Schema = { type: 'string', minLength: 1, maxLength: 100 };
const strings: Schema = { type: 'array', items: text(1000), maxItems: 50 };

function object(required: string[], properties: Record<string, Schema>): Schema {
  return { type: 'object', required, additionalProperties: false, properties };
}

const terms: Schema = object([], {
  amount: decimal,
  currency,
  unit: text(100),
  validFrom: effectiveTimeText,
  validUntil: effectiveTimeText,
  conditions: strings,
  restrictions: strings,
  description: text(4000),
});
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
const termChanges: Schema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: Object.fromEntries(
    Object.entries((terms as { properties: Record<string, Schema> }).properties).map(([key, schema]) => [key, nullable(schema)]),
  ),
};

const DATA_SCHEMAS: Record<string, Record<number, Schema>> = {
  CommitmentRecorded: {
    1: object(['commitmentId', 'kind', 'title', 'by', 'to', 'status', 'terms'], {
      commitmentId: id,
      kind: { enum: COMMITMENT_KINDS },
      title: text(500),
      by: party,
      to: party,
      status: { enum: OPEN_STATUSES },
      terms,
    }),
  },
  CommitmentTermsAmended: { 1: object(['commitmentId', 'changes'], { commitmentId: id, changes: termChanges, reason: text() }) },
  CommitmentDisbursed: { 1: object(['commitmentId', 'amount', 'currency'], { commitmentId: id, amount: decimal, currency }) },
  CommitmentStatusChanged: {
    1: object(['commitmentId', 'from', 'to'], {
      commitmentId: id,
      from: { enum: COMMITMENT_STATUSES },
      to: { enum: COMMITMENT_STATUSES },
      reason: text(),
    }),
  },
  PartyRegistered: {
    1: object(['partyId', 'name', 'kind'], { partyId: party, name: text(200), kind: { enum: PARTY_KINDS } }),
  },
  TrackOpened: {
    1: object(['trackId', 'title', 'area', 'kind', 'parties', 'status'], {
      trackId: id,
      title: text(500),
      area: text(200),
      kind: { enum: TRACK_KINDS },
      parties,
      status: { enum: TRACK_STATUSES },
      description: text(4000),
    }),
  },
  TrackStatusChanged: {
    1: object(['trackId', 'from', 'to'], { trackId: id, from: { enum: TRACK_STATUSES }, to: { enum: TRACK_STATUSES }, reason: text() }),
  },
  TrackDeadlineSet: {
    1: object(['trackId', 'deadlineId', 'description', 'due'], {
      trackId: id,
      deadlineId: { type: 'string', pattern: '^[a-z0-9-]{1,60}$' },
      description: text(),
      due: effectiveTimeText,
    }),
  },
  DeploymentStarted: {
    1: object(['deploymentId', 'asset', 'place', 'host', 'by'], {
      deploymentId: id,
      asset: text(500),
      quantity: decimal,
      unit: text(100),
      place: text(500),
      host: party,
      by: party,
      commandedBy: party,
      purpose: text(),
    }),
  },
  DeploymentEnded: { 1: object(['deploymentId'], { deploymentId: id, reason: text() }) },
  OccurrenceRecorded: {
    1: object(['occurrenceId', 'kind', 'title', 'parties'], {
      occurrenceId: id,
      kind: { enum: OCCURRENCE_KINDS },
      title: text(500),
      parties,
      place: text(500),
      participants: strings,
      durationHours: decimal,
      topics: { type: 'array', maxItems: 50, items: object(['topic'], { topic: text(500), hours: decimal }) },
      speaker: text(200),
      quote: text(4000),
      value: decimal,
      valueMax: decimal,
      unit: text(100),
      currency,
      horizon: effectiveTimeText,
      description: text(4000),
    }),
  },
  EventCorrected: {
    1: object(['eventId', 'eventType', 'changes', 'reason'], {
      eventId: { type: 'string', format: 'uuid' },
      eventType: text(100),
      changes: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        properties: { effectiveAt: effectiveTime, data: { type: 'object' } },
      },
      reason: text(),
    }),
  },
  EventRetracted: {
    1: object(['eventId', 'eventType', 'reason'], { eventId: { type: 'string', format: 'uuid' }, eventType: text(100), reason: text() }),
  },
  // Claims (see libs/domain/src/shared/claims.ts): the other source is the event's own `source`.
  SourceCorroborated: { 1: object(['eventId', 'eventType'], { eventId: { type: 'string', format: 'uuid' }, eventType: text(100) }) },
  ClaimRecorded: {
    1: object(['eventId', 'eventType', 'field', 'value'], {
      eventId: { type: 'string', format: 'uuid' },
      eventType: text(100),
      field: claimField,
      value: { description: "what the source says the field is: an effective time as text for effectiveAt, else the field's own type" },
    }),
  },
  ClaimChosen: {
    1: object(['eventId', 'eventType', 'field', 'claimId', 'reason'], {
      eventId: { type: 'string', format: 'uuid' },
      eventType: text(100),
      field: claimField,
      claimId: {
        type: 'string',
        format: 'uuid',
        description: 'a ClaimRecorded event, or eventId for the value the event was recorded with',
      },
      reason: text(),
    }),
  },
};

export const EVENT_TYPES: readonly string[] = Object.keys(DATA_SCHEMAS);

/**
 * The `source` every event carries beside its data (the record's value on the topic). One
 * version: every field added since the first is optional, so every stored source still
 * matches and none is upcast. `quote` is verbatim; `paraphrase` is the source in our words and
 * is never shown as a quote. `publishedAt` is a date with its precision (YYYY, YYYY-MM,
 * YYYY-MM-DD, an instant, or a range A/B); `publishedAtEstimated` marks it as our estimate.
 */
const SOURCE_SCHEMA: Schema = {
  type: 'object',
  required: ['title'],
  additionalProperties: false,
  properties: {
    title: text(500),
    publisher: text(200),
    url: { type: 'string', pattern: '^https?://', maxLength: 2000 },
    publishedAt: effectiveTimeText,
    publishedAtEstimated: { type: 'boolean', description: 'true: publishedAt is an estimate, not a date the source gives' },
    quote: { ...text(4000), description: 'the passage that supports the fact, word for word' },
    paraphrase: { ...text(4000), description: 'what the source says, in other words than its own; never shown as a quote' },
    note: { ...text(2000), description: 'what we add: how we read the source, an inference, the basis of an estimate' },
  },
  dependencies: { publishedAtEstimated: ['publishedAt'] },
};

/** The JSON Schema of an event's `source`. */
export function sourceSchema(): Schema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: '/v1/schemas/source',
    title: 'source of an event',
    ...SOURCE_SCHEMA,
  };
}

export function latestSchemaVersion(type: string): number | undefined {
  const versions = DATA_SCHEMAS[type];
  return versions ? Math.max(...Object.keys(versions).map(Number)) : undefined;
}

/** The JSON Schema of one event type's data at one version, with its $id. */
export function dataSchema(type: string, version = latestSchemaVersion(type)): Schema | undefined {
  const schema = version === undefined ? undefined : DATA_SCHEMAS[type]?.[version];
  if (!schema) return undefined;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `/v1/schemas/${type}?version=${version}`,
    title: `${type} data, schema version ${version}`,
    ...schema,
  };
}

export function schemaVersions(type: string): number[] {
  return Object.keys(DATA_SCHEMAS[type] ?? {})
    .map(Number)
    .sort((a, b) => a - b);
}
