-- Up Migration

-- Records of the topic the projector could not read and put on the dead-letter topic.
-- Written in the projector's transaction with its checkpoint, so each is counted once;
-- readiness and the operations guide read it.
CREATE TABLE dead_letters (
  topic             text NOT NULL,
  partition         integer NOT NULL,
  record_offset     bigint NOT NULL,
  reason            text NOT NULL,
  dead_letter_topic text NOT NULL,
  consumer_group    text NOT NULL,
  recorded_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (topic, partition, record_offset)
);

-- Down Migration
DROP TABLE dead_letters;
