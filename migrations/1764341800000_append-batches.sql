-- Up Migration

-- Appends to several streams in one statement: the group commit of the event store.
--
-- p_appends: [{streamId, streamType, expectedVersion, events}], each as for
-- append_to_stream (expectedVersion -1 any, 0 no stream, n at version n).
-- Each append is all or nothing on its own: one whose stream is not at the
-- expected version writes nothing and answers one row with conflict_version =
-- the stream's version; the others go on. The advisory lock is taken once for
-- the batch and held to commit, so positions still become visible in commit
-- order, and one commit (one WAL flush) serves every append of the batch.
-- Any other error fails the statement; the caller then writes them one by one.
--
-- The lock is this schema's, no longer one for the whole database: positions are
-- per events table, and services (or tests) in other schemas of the same
-- database have no reason to wait for each other's commits.
CREATE FUNCTION append_to_streams(p_appends jsonb)
RETURNS TABLE (append_index integer, event_id uuid, event_position bigint, event_stream_version integer,
               event_recorded_at timestamptz, conflict_version integer)
LANGUAGE plpgsql AS $$
DECLARE
  v_append jsonb;
  v_index integer;
  v_stream_id text;
  v_stream_type text;
  v_expected integer;
  v_count integer;
  v_current integer;
  v_recorded_at timestamptz;
BEGIN
  PERFORM pg_advisory_xact_lock(731052246, hashtext(current_schema()));

  FOR v_append, v_index IN
    SELECT a, (i - 1)::integer FROM jsonb_array_elements(p_appends) WITH ORDINALITY AS batch(a, i) ORDER BY i
  LOOP
    v_stream_id := v_append->>'streamId';
    v_stream_type := v_append->>'streamType';
    v_expected := (v_append->>'expectedVersion')::integer;
    v_count := jsonb_array_length(v_append->'events');
    IF v_count = 0 THEN
      RAISE EXCEPTION 'append_to_streams: no events for %', v_stream_id USING ERRCODE = 'invalid_parameter_value';
    END IF;

    IF v_expected = 0 THEN
      INSERT INTO streams (stream_id, stream_type, version)
        VALUES (v_stream_id, v_stream_type, v_count)
        ON CONFLICT (stream_id) DO NOTHING;
      IF NOT FOUND THEN
        SELECT version INTO v_current FROM streams WHERE stream_id = v_stream_id;
        RETURN QUERY SELECT v_index, NULL::uuid, NULL::bigint, NULL::integer, NULL::timestamptz, v_current;
        CONTINUE;
      END IF;
      v_current := 0;
    ELSIF v_expected > 0 THEN
      UPDATE streams SET version = version + v_count
        WHERE stream_id = v_stream_id AND version = v_expected;
      IF NOT FOUND THEN
        SELECT version INTO v_current FROM streams WHERE stream_id = v_stream_id;
        RETURN QUERY SELECT v_index, NULL::uuid, NULL::bigint, NULL::integer, NULL::timestamptz, coalesce(v_current, 0);
        CONTINUE;
      END IF;
      v_current := v_expected;
    ELSE
      INSERT INTO streams AS s (stream_id, stream_type, version)
        VALUES (v_stream_id, v_stream_type, v_count)
        ON CONFLICT (stream_id) DO UPDATE SET version = s.version + v_count
        RETURNING version - v_count INTO v_current;
    END IF;

    v_recorded_at := clock_timestamp();

    RETURN QUERY
    INSERT INTO events (id, stream_id, stream_type, stream_version, type, schema_version,
                        effective_at, effective_precision, effective_until, recorded_at, actor, source, confidence,
                        correlation_id, causation_id, data)
    SELECT (e->>'id')::uuid, v_stream_id, v_stream_type, v_current + ordinality::integer,
           e->>'type', (e->>'schemaVersion')::integer,
           (e->>'effectiveAt')::timestamptz, e->>'precision', (e->>'effectiveUntil')::timestamptz,
           v_recorded_at, e->>'actor',
           e->'source', e->>'confidence', (e->>'correlationId')::uuid, (e->>'causationId')::uuid,
           e->'data'
    FROM jsonb_array_elements(v_append->'events') WITH ORDINALITY AS batch(e, ordinality)
    ORDER BY ordinality
    RETURNING v_index, id, position, stream_version, recorded_at, NULL::integer;

    PERFORM pg_notify('timeline_events', v_stream_id);
  END LOOP;
END;
$$;

-- One append, as before, now through append_to_streams (one lock, one body of rules):
-- a stale expected version raises SQLSTATE 'NT409' with the actual version in DETAIL.
CREATE OR REPLACE FUNCTION append_to_stream(
  p_stream_id text,
  p_stream_type text,
  p_expected_version integer,
  p_events jsonb
) RETURNS TABLE (event_id uuid, event_position bigint, event_stream_version integer, event_recorded_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT * FROM append_to_streams(jsonb_build_array(jsonb_build_object(
      'streamId', p_stream_id, 'streamType', p_stream_type, 'expectedVersion', p_expected_version, 'events', p_events)))
  LOOP
    IF r.conflict_version IS NOT NULL THEN
      IF p_expected_version = 0 THEN
        RAISE EXCEPTION 'stream % exists at version %, expected none', p_stream_id, r.conflict_version
          USING ERRCODE = 'NT409', DETAIL = r.conflict_version::text;
      END IF;
      RAISE EXCEPTION 'stream % is at version %, expected %', p_stream_id, r.conflict_version, p_expected_version
        USING ERRCODE = 'NT409', DETAIL = r.conflict_version::text;
    END IF;
    event_id := r.event_id;
    event_position := r.event_position;
    event_stream_version := r.event_stream_version;
    event_recorded_at := r.event_recorded_at;
    RETURN NEXT;
  END LOOP;
END;
$$;

-- Down Migration
-- append_to_stream as it was before (1764330000000), with the database-wide lock.
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
DROP FUNCTION append_to_streams(jsonb);
