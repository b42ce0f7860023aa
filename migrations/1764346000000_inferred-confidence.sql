-- Up Migration

-- A fourth confidence, below `claimed`: `inferred`, for a link or a reading that no source
-- states and that we drew from the sources (for example, that a payment reported on its own
-- belongs to a credit pledged earlier). Existing rows keep their confidence.
ALTER TABLE events DROP CONSTRAINT events_confidence_check;
ALTER TABLE events ADD CONSTRAINT events_confidence_check
  CHECK (confidence IN ('confirmed', 'reported', 'claimed', 'inferred'));

-- Down Migration
ALTER TABLE events DROP CONSTRAINT events_confidence_check;
ALTER TABLE events ADD CONSTRAINT events_confidence_check
  CHECK (confidence IN ('confirmed', 'reported', 'claimed'));
