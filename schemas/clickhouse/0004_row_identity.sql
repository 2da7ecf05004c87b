-- Exactly one row per event_id in agent_actions and per finding_id in findings, whatever is sent
-- twice. The trace writer looks a chunk's ids up here before inserting it and drops the ones
-- already stored (insert-side deduplication): every table and every per-minute aggregate then
-- counts each event once, and no query needs FINAL. Filled by materialized views, so an id is
-- recorded by the same insert that stores its row. Ordered by id: a lookup reads a few granules.

CREATE TABLE IF NOT EXISTS {{database}}.agent_action_ids
(
    event_id UUID,
    ts DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY event_id
TTL toDateTime(ts) + INTERVAL {{ttl_days}} DAY
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.agent_action_ids_mv
TO {{database}}.agent_action_ids
AS SELECT event_id, ts FROM {{database}}.agent_actions;

CREATE TABLE IF NOT EXISTS {{database}}.finding_ids
(
    finding_id String,
    ts DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY finding_id
TTL toDateTime(ts) + INTERVAL {{ttl_days}} DAY
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.finding_ids_mv
TO {{database}}.finding_ids
AS SELECT finding_id, ts FROM {{database}}.findings;

-- Rows stored before this migration.
INSERT INTO {{database}}.agent_action_ids SELECT event_id, ts FROM {{database}}.agent_actions;

INSERT INTO {{database}}.finding_ids SELECT finding_id, ts FROM {{database}}.findings;
