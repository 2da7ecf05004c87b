-- The durable in-process log of `chainwatch start` (ClickHouseLog in @chainwatch/clickhouse): what
-- Kafka holds in the service mode. A publish returns only once its rows are in a part on disk
-- (fsync_after_insert), so an acknowledged event survives kill -9 and power loss alike. Unused
-- (empty) in the Kafka mode.

-- Stream topics (agent.actions, findings, risk signals, decisions, DLQs, approvals): one row per
-- record, `seq` increasing across topics. Kept 7 days, like agent.actions on Kafka.
CREATE TABLE IF NOT EXISTS {{database}}.log_records
(
    seq UInt64,
    topic LowCardinality(String),
    key Nullable(String),
    value String,
    appended_at DateTime64(3, 'UTC')
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(appended_at)
ORDER BY seq
TTL toDateTime(appended_at) + INTERVAL 7 DAY
SETTINGS fsync_after_insert = 1, fsync_part_directory = 1;

-- Compacted topics (session-state checkpoints, approval bindings): the latest value per key wins
-- (read with argMax(value, seq)). Tombstones and expiring topics go after a day.
CREATE TABLE IF NOT EXISTS {{database}}.log_state
(
    topic LowCardinality(String),
    key String,
    seq UInt64,
    value String,
    tombstone UInt8,
    expiring UInt8,
    appended_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(seq)
ORDER BY (topic, key)
TTL toDateTime(appended_at) + INTERVAL 1 DAY DELETE WHERE expiring = 1
SETTINGS fsync_after_insert = 1, fsync_part_directory = 1;

-- Where each subscriber (processor, trace writer) is, per topic: it resumes after `position`.
CREATE TABLE IF NOT EXISTS {{database}}.log_positions
(
    subscriber String,
    topic String,
    position UInt64,
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(position)
ORDER BY (subscriber, topic)
SETTINGS fsync_after_insert = 1, fsync_part_directory = 1;
