-- Up Migration

-- Valid time may be a range ("between September and October 2021"): precision 'range'
-- with an exclusive end. Other precisions keep effective_until NULL (their end follows
-- from the precision).
ALTER TABLE events ADD COLUMN effective_until timestamptz;
ALTER TABLE events DROP CONSTRAINT events_effective_precision_check;
ALTER TABLE events ADD CONSTRAINT events_effective_precision_check
  CHECK (effective_precision IN ('year', 'month', 'day', 'instant', 'range'));
ALTER TABLE events ADD CONSTRAINT events_effective_range_check
  CHECK ((effective_precision = 'range') = (effective_until IS NOT NULL)
         AND (effective_until IS NULL OR effective_until > effective_at));

CREATE OR REPLACE FUNCTION append_to_stream(
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
                      effective_at, effective_precision, effective_until, recorded_at, actor, source,
                      confidence, correlation_id, causation_id, data)
  SELECT (e->>'id')::uuid, p_stream_id, p_stream_type, v_current + ordinality::integer,
         e->>'type', (e->>'schemaVersion')::integer,
         (e->>'effectiveAt')::timestamptz, e->>'precision', (e->>'effectiveUntil')::timestamptz,
         v_recorded_at, e->>'actor', e->'source', e->>'confidence',
         (e->>'correlationId')::uuid, (e->>'causationId')::uuid, e->'data'
  FROM jsonb_array_elements(p_events) WITH ORDINALITY AS batch(e, ordinality)
  ORDER BY ordinality
  RETURNING id, position, stream_version, recorded_at;

  PERFORM pg_notify('timeline_events', p_stream_id);
END;
$$;

-- Read models live in generations, one schema each; reads use the active one. A rebuild
-- fills a new generation while reads go on, then switches the pointer in one transaction.
CREATE TABLE projection_generations (
  generation   integer PRIMARY KEY,
  schema_name  text NOT NULL UNIQUE,
  status       text NOT NULL CHECK (status IN ('building', 'active', 'retired', 'failed')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  activated_at timestamptz
);

CREATE TABLE projection_state (
  singleton         boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  active_generation integer REFERENCES projection_generations (generation)
);
INSERT INTO projection_state (singleton, active_generation) VALUES (true, NULL);

-- Down Migration
DROP TABLE projection_state;
DROP TABLE projection_generations;
ALTER TABLE events DROP CONSTRAINT events_effective_range_check;
ALTER TABLE events DROP CONSTRAINT events_effective_precision_check;
ALTER TABLE events ADD CONSTRAINT events_effective_precision_check
  CHECK (effective_precision IN ('year', 'month', 'day', 'instant'));
ALTER TABLE events DROP COLUMN effective_until;
