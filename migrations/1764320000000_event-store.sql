-- Up Migration

-- One row per stream: the compare-and-set target of optimistic concurrency.
CREATE TABLE streams (
  stream_id   text PRIMARY KEY,
  stream_type text NOT NULL,
  version     integer NOT NULL CHECK (version > 0)
);

-- The log. Append-only: triggers below refuse UPDATE, DELETE and TRUNCATE.
CREATE TABLE events (
  position            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id                  uuid NOT NULL UNIQUE,
  stream_id           text NOT NULL,
  stream_type         text NOT NULL,
  stream_version      integer NOT NULL CHECK (stream_version > 0),
  type                text NOT NULL,
  schema_version      integer NOT NULL CHECK (schema_version > 0),
  effective_at        timestamptz NOT NULL,
  effective_precision text NOT NULL CHECK (effective_precision IN ('year', 'month', 'day', 'instant')),
  recorded_at         timestamptz NOT NULL,
  actor               text NOT NULL,
  source              jsonb NOT NULL,
  confidence          text NOT NULL CHECK (confidence IN ('confirmed', 'reported', 'claimed')),
  correlation_id      uuid NOT NULL,
  causation_id        uuid,
  data                jsonb NOT NULL,
  UNIQUE (stream_id, stream_version)
);

CREATE INDEX events_type_position ON events (type, position);
CREATE INDEX events_recorded_at ON events (recorded_at);

CREATE FUNCTION refuse_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Fix a wrong event by appending a correction or a retraction.';
END;
$$;

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
  FOR EACH ROW EXECUTE FUNCTION refuse_event_change();
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION refuse_event_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change();

-- Answers already given to writes, by Idempotency-Key.
CREATE TABLE idempotency_keys (
  key          text PRIMARY KEY,
  fingerprint  text NOT NULL,
  status       integer NOT NULL,
  response     jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

-- How far each reader of the table log (the relay, projectors) has come.
CREATE TABLE checkpoints (
  name       text PRIMARY KEY,
  position   bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Appends a batch of events to one stream, atomically, against an expected version.
--
-- p_expected_version: -1 any, 0 the stream must not exist, n the stream must be at n.
-- On a mismatch raises SQLSTATE 'NT409' with the actual version in DETAIL.
--
-- Global positions are taken under a transaction-scoped advisory lock, held to
-- commit, so positions become visible in commit order: a reader by position
-- never sees position n+1 before n is committed, and never skips one.
-- recorded_at is read after the lock for the same reason: it never goes back.
CREATE FUNCTION append_to_stream(
  p_stream_id text,
  p_stream_type text,
  p_expected_version integer,
  p_events jsonb
) RETURNS TABLE (event_id uuid, event_position bigint, event_stream_version integer, event_recorded_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
  v_count integer := jsonb_array_length(p_events);
  v_current integer;
  v_recorded_at timestamptz;
BEGIN
  IF v_count = 0 THEN
    RAISE EXCEPTION 'append_to_stream: no events' USING ERRCODE = 'invalid_parameter_value';
  END IF;

  PERFORM pg_advisory_xact_lock(7310522461);

  IF p_expected_version = 0 THEN
    INSERT INTO streams (stream_id, stream_type, version)
      VALUES (p_stream_id, p_stream_type, v_count)
      ON CONFLICT (stream_id) DO NOTHING;
    IF NOT FOUND THEN
      SELECT version INTO v_current FROM streams WHERE stream_id = p_stream_id;
      RAISE EXCEPTION 'stream % exists at version %, expected none', p_stream_id, v_current
        USING ERRCODE = 'NT409', DETAIL = v_current::text;
    END IF;
    v_current := 0;
  ELSIF p_expected_version > 0 THEN
    UPDATE streams SET version = version + v_count
      WHERE stream_id = p_stream_id AND version = p_expected_version;
    IF NOT FOUND THEN
      SELECT version INTO v_current FROM streams WHERE stream_id = p_stream_id;
      RAISE EXCEPTION 'stream % is at version %, expected %', p_stream_id, coalesce(v_current, 0), p_expected_version
        USING ERRCODE = 'NT409', DETAIL = coalesce(v_current, 0)::text;
    END IF;
    v_current := p_expected_version;
  ELSE
    INSERT INTO streams AS s (stream_id, stream_type, version)
      VALUES (p_stream_id, p_stream_type, v_count)
      ON CONFLICT (stream_id) DO UPDATE SET version = s.version + v_count
      RETURNING version - v_count INTO v_current;
  END IF;

  v_recorded_at := clock_timestamp();

  RETURN QUERY
  INSERT INTO events (id, stream_id, stream_type, stream_version, type, schema_version,
                      effective_at, effective_precision, recorded_at, actor, source, confidence,
                      correlation_id, causation_id, data)
  SELECT (e->>'id')::uuid, p_stream_id, p_stream_type, v_current + ordinality::integer,
         e->>'type', (e->>'schemaVersion')::integer,
         (e->>'effectiveAt')::timestamptz, e->>'precision', v_recorded_at, e->>'actor',
         e->'source', e->>'confidence', (e->>'correlationId')::uuid, (e->>'causationId')::uuid,
         e->'data'
  FROM jsonb_array_elements(p_events) WITH ORDINALITY AS batch(e, ordinality)
  ORDER BY ordinality
  RETURNING id, position, stream_version, recorded_at;

  PERFORM pg_notify('timeline_events', p_stream_id);
END;
$$;

-- Down Migration
DROP FUNCTION append_to_stream(text, text, integer, jsonb);
DROP TABLE checkpoints;
DROP TABLE idempotency_keys;
DROP TRIGGER events_no_truncate ON events;
DROP TABLE events;
DROP FUNCTION refuse_event_change();
DROP TABLE streams;
