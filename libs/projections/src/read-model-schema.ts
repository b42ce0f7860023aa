/**
 * The tables of one read-model generation. They are not migrations: a
 * generation is disposable and rebuilt from the log, so a change here bumps
 * READ_MODEL_VERSION and the projector builds a fresh generation.
 */
export const READ_MODEL_VERSION = 11;

export function readModelDdl(schema: string, options: { indexes?: boolean } = {}): string {
  const s = quoteIdent(schema);
  return `
CREATE SCHEMA ${s};
${readModelTables(s)}
${options.indexes === false ? '' : readModelIndexes(schema)}`;
}

/**
 * The secondary indexes. A bulk rebuild creates them after the tables are
 * filled: one sort per index is much cheaper than maintaining it row by row.
 */
// An index whose columns match another's is named: PostgreSQL derives a name from the columns, and
// two such indexes built at once on two connections (a bulk rebuild) would both take the same one.
export function readModelIndexes(schema: string): string {
  const s = quoteIdent(schema);
  return `
CREATE UNIQUE INDEX ON ${s}.stream_events (event_id);
CREATE INDEX ON ${s}.stream_events (position);
CREATE INDEX stream_events_published_idx ON ${s}.stream_events (stream_type, published_from) INCLUDE (stream_id, recorded_at);
CREATE INDEX ON ${s}.commitment_versions USING gist (valid, recorded) INCLUDE (commitment_id, by_party, to_party, status, kind);
CREATE INDEX ON ${s}.commitment_versions (commitment_id) INCLUDE (by_party, to_party, status, kind, valid, recorded);
CREATE INDEX ON ${s}.commitment_versions (by_party, status, commitment_id) INCLUDE (to_party, kind, valid, recorded);
CREATE INDEX ON ${s}.commitment_versions (to_party, status, commitment_id) INCLUDE (by_party, kind, valid, recorded);
CREATE INDEX ON ${s}.commitment_reported_versions USING gist (valid, recorded, reported) INCLUDE (commitment_id, by_party, to_party, status, kind);
CREATE INDEX commitment_reported_versions_id_idx ON ${s}.commitment_reported_versions (commitment_id) INCLUDE (by_party, to_party, status, kind, valid, recorded, reported);
CREATE INDEX commitment_reported_versions_by_idx ON ${s}.commitment_reported_versions (by_party, status, commitment_id) INCLUDE (to_party, kind, valid, recorded, reported);
CREATE INDEX commitment_reported_versions_to_idx ON ${s}.commitment_reported_versions (to_party, status, commitment_id) INCLUDE (by_party, kind, valid, recorded, reported);
CREATE INDEX ON ${s}.entity_versions USING gist (valid, recorded);
CREATE INDEX ON ${s}.entity_versions (entity_type, entity_id) INCLUDE (valid, recorded, active);
CREATE INDEX ON ${s}.timeline (effective_at, position) INCLUDE (effective_precision, effective_until, recorded, parties, type, reported_from);
CREATE INDEX timeline_known_ahead_idx ON ${s}.timeline (effective_at, position) INCLUDE (effective_precision, effective_until, recorded, parties, type, reported_from) WHERE effective_at > lower(recorded);
CREATE INDEX ON ${s}.timeline USING gist (tstzrange(effective_at, effective_until, '[)')) WHERE effective_precision = 'range';
CREATE INDEX ON ${s}.timeline USING gist (recorded);
CREATE INDEX ON ${s}.timeline USING gin (search);
CREATE INDEX ON ${s}.timeline USING gin (parties);
CREATE INDEX ON ${s}.timeline (event_id);
`;
}

function readModelTables(s: string): string {
  return `

-- The projector's own copy of each stream, from the log; the primary key drops redelivered records.
CREATE TABLE ${s}.stream_events (
  stream_id           text NOT NULL,
  stream_version      integer NOT NULL,
  event_id            uuid NOT NULL,
  position            bigint NOT NULL,
  stream_type         text NOT NULL,
  type                text NOT NULL,
  schema_version      integer NOT NULL,
  effective_at        timestamptz NOT NULL,
  effective_precision text NOT NULL,
  effective_until     timestamptz,
  recorded_at         timestamptz NOT NULL,
  actor               text NOT NULL,
  source              jsonb NOT NULL,
  confidence          text NOT NULL,
  correlation_id      uuid NOT NULL,
  causation_id        uuid,
  data                jsonb NOT NULL,
  -- The first instant its source may have been published (publishedFrom): the reported axis.
  published_from      timestamptz NOT NULL,
  PRIMARY KEY (stream_id, stream_version)
);

-- Bitemporal versions of each commitment: the state held over a valid-time range, as
-- known over a recorded-time range. A query at (asOf, knownAt) is one GiST lookup.
CREATE TABLE ${s}.commitment_versions (
  commitment_id  text NOT NULL,
  valid          tstzrange NOT NULL,
  recorded       tstzrange NOT NULL,
  stream_version integer NOT NULL,
  kind           text NOT NULL,
  title          text NOT NULL,
  by_party       text NOT NULL,
  to_party       text NOT NULL,
  -- The status as answered: an open status whose validity has ended is 'lapsed' (lapsed_at says when).
  status         text NOT NULL,
  lapsed_at      timestamptz,
  terms          jsonb NOT NULL,
  amount         numeric,
  currency       text,
  unit           text,
  -- Null for a rate (a price): it is not a sum.
  disbursed      numeric,
  outstanding    numeric,
  event_ids      jsonb NOT NULL,
  uncertain      jsonb NOT NULL,
  -- The source of each fact's current value, packed (see packSources).
  sources        jsonb NOT NULL
);

-- The same versions on the reported axis as well: the state held over a valid-time range, as
-- known over a recorded-time range, counting only the events whose sources had been published
-- over a \`reported\` range (reportedBy). A stream's reported ranges start at the publication
-- instants of its events (publishedFrom); between two of them nothing the fold reads changes.
CREATE TABLE ${s}.commitment_reported_versions (
  LIKE ${s}.commitment_versions,
  reported       tstzrange NOT NULL
);

-- Bitemporal versions of parties, tracks, deployments and occurrences: the state as
-- JSON (its sources packed, see packSources), with the columns queries filter on.
CREATE TABLE ${s}.entity_versions (
  entity_type    text NOT NULL,
  entity_id      text NOT NULL,
  valid          tstzrange NOT NULL,
  recorded       tstzrange NOT NULL,
  stream_version integer NOT NULL,
  parties        text[] NOT NULL,
  active         boolean NOT NULL,
  state          jsonb NOT NULL
);

-- Events in effective order, as known over a recorded-time range (a correction closes
-- the old row and opens the corrected one; a retraction closes it).
CREATE TABLE ${s}.timeline (
  event_id            uuid NOT NULL,
  position            bigint NOT NULL,
  stream_id           text NOT NULL,
  stream_type         text NOT NULL,
  stream_version      integer NOT NULL,
  type                text NOT NULL,
  effective_at        timestamptz NOT NULL,
  effective_precision text NOT NULL,
  effective_until     timestamptz NOT NULL,
  recorded            tstzrange NOT NULL,
  recorded_at         timestamptz NOT NULL,
  actor               text NOT NULL,
  confidence          text NOT NULL,
  source              jsonb NOT NULL,
  data                jsonb NOT NULL,
  parties             text[] NOT NULL,
  summary             text NOT NULL,
  -- For a corrected event, or one other sources confirm or dispute: the source of the row as it
  -- now reads, of each corrected path, and its other sources and claims ({source, corrected,
  -- corroboratedBy, claims}, see eventAttribution); null otherwise (the row cites \`source\`).
  attribution         jsonb,
  -- The first instant the event may have been public: the earliest publication of its source and
  -- of the sources that confirm or dispute it, as known over this row's recorded range (reportedFrom).
  reported_from       timestamptz NOT NULL,
  -- Computed by PostgreSQL, so that a bulk rebuild can write rows with COPY.
  search              tsvector NOT NULL GENERATED ALWAYS AS (to_tsvector('simple', summary)) STORED
);

-- Where this generation has read the log to: 'table' (partition -1) or a Kafka topic's partitions.
CREATE TABLE ${s}.checkpoints (
  source    text NOT NULL,
  partition integer NOT NULL,
  position  bigint NOT NULL,
  PRIMARY KEY (source, partition)
);
`;
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

export function quoteIdent(name: string): string {
  if (!IDENT.test(name)) throw new Error(`not a safe SQL identifier: ${name}`);
  return `"${name}"`;
}
