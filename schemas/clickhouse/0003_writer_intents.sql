-- The trace writer's insert intents: before inserting offsets [first_offset, last_offset] of a
-- partition it records them here. After a crash between an insert and its Kafka commit, the
-- redelivered records are cut at the same boundary, so the retry carries the same
-- insert_deduplication_token and adds nothing. One live row per (topic, partition).

CREATE TABLE IF NOT EXISTS {{database}}.writer_intents
(
    topic String,
    partition UInt32,
    first_offset UInt64,
    last_offset UInt64,
    written_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(written_at)
ORDER BY (topic, partition)
TTL toDateTime(written_at) + INTERVAL {{ttl_days}} DAY;
