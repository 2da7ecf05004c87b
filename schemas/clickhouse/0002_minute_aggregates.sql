-- Per-minute aggregates for dashboards, filled by materialized views. Target tables carry a
-- deduplication window too: with deduplicate_blocks_in_dependent_materialized_views=1 a retried
-- insert (same insert_deduplication_token) adds nothing to the aggregates either.
-- Read them with sum(...) GROUP BY: SummingMergeTree folds rows only when parts merge.

CREATE TABLE IF NOT EXISTS {{database}}.actions_per_minute
(
    minute DateTime('UTC'),
    agent_type LowCardinality(String),
    tool LowCardinality(String),
    actions UInt64,
    denied UInt64,
    bytes UInt64
)
ENGINE = SummingMergeTree
PARTITION BY toDate(minute)
ORDER BY (minute, agent_type, tool)
TTL minute + INTERVAL {{ttl_days}} DAY
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.actions_per_minute_mv
TO {{database}}.actions_per_minute
AS SELECT
    toStartOfMinute(toDateTime(ts)) AS minute,
    agent_type,
    tool,
    count() AS actions,
    countIf(outcome = 'denied') AS denied,
    sum(ifNull(bytes, 0)) AS bytes
FROM {{database}}.agent_actions
GROUP BY minute, agent_type, tool;

CREATE TABLE IF NOT EXISTS {{database}}.findings_per_minute
(
    minute DateTime('UTC'),
    detector LowCardinality(String),
    rule_id LowCardinality(String),
    severity LowCardinality(String),
    findings UInt64
)
ENGINE = SummingMergeTree
PARTITION BY toDate(minute)
ORDER BY (minute, detector, rule_id, severity)
TTL minute + INTERVAL {{ttl_days}} DAY
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.findings_per_minute_mv
TO {{database}}.findings_per_minute
AS SELECT
    toStartOfMinute(toDateTime(ts)) AS minute,
    detector,
    rule_id,
    severity,
    count() AS findings
FROM {{database}}.findings
GROUP BY minute, detector, rule_id, severity;

CREATE TABLE IF NOT EXISTS {{database}}.decisions_per_minute
(
    minute DateTime('UTC'),
    decision LowCardinality(String),
    enforced LowCardinality(String),
    shadow UInt8,
    decisions UInt64,
    score_sum Float64
)
ENGINE = SummingMergeTree
PARTITION BY toDate(minute)
ORDER BY (minute, decision, enforced, shadow)
TTL minute + INTERVAL {{ttl_days}} DAY
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.decisions_per_minute_mv
TO {{database}}.decisions_per_minute
AS SELECT
    toStartOfMinute(toDateTime(ts)) AS minute,
    decision,
    enforced,
    shadow,
    count() AS decisions,
    sum(toFloat64(score)) AS score_sum
FROM {{database}}.decisions
WHERE kind = 'decision'
GROUP BY minute, decision, enforced, shadow;
