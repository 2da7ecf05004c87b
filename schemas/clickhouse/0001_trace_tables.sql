-- Chainwatch trace store: one row per action, finding, risk signal and decision.
-- Sort keys serve session timelines (session_id, then time); a bloom filter on trace_id serves
-- delegation-graph lookups. Day partitions, TTL retention, and a deduplication window so the
-- trace writer's insert_deduplication_token makes retried batches idempotent on a single server.
-- Placeholders: {{database}}, {{ttl_days}}. Works on ClickHouse 24.8+ and the embedded engine.

CREATE TABLE IF NOT EXISTS {{database}}.agent_actions
(
    event_id UUID,
    ts DateTime64(3, 'UTC'),
    session_id String,
    trace_id String,
    parent_session_id Nullable(String),
    agent_id String,
    agent_type LowCardinality(String),
    agent_spiffe_id String,
    agent_model LowCardinality(String),
    principal_sub String,
    principal_act Array(String),
    task_id String,
    task_intent String,
    task_scopes Array(LowCardinality(String)),
    task_max_data_class LowCardinality(String),
    action_kind LowCardinality(String),
    tool LowCardinality(String),
    operation LowCardinality(String),
    resource String,
    data_class LowCardinality(String),
    destination String,
    bytes Nullable(UInt64),
    -- Raw tool arguments are never stored: only their digest.
    args_digest String,
    -- Entities found in the arguments (emails, URLs, domains, IBANs), capped per kind.
    arg_emails Array(String),
    arg_urls Array(String),
    arg_domains Array(String),
    arg_ibans Array(String),
    target_session_id String,
    result_emails Array(String),
    result_urls Array(String),
    result_domains Array(String),
    result_ibans Array(String),
    result_phones Array(String),
    result_bytes Nullable(UInt64),
    result_error Nullable(UInt8),
    -- sha256 of the credential's token id (jti): correlates reuse without storing the id.
    credential_token_digest String,
    credential_issued_at Nullable(DateTime64(3, 'UTC')),
    credential_expires_at Nullable(DateTime64(3, 'UTC')),
    credential_scopes Array(LowCardinality(String)),
    credential_audience LowCardinality(String),
    context_source LowCardinality(String),
    context_ip String,
    injection_score Nullable(Float32),
    user_approved Nullable(UInt8),
    outcome LowCardinality(String),
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3),
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.01) GRANULARITY 4
)
ENGINE = MergeTree
PARTITION BY toDate(ts)
ORDER BY (session_id, ts, event_id)
TTL toDateTime(ts) + INTERVAL {{ttl_days}} DAY
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS {{database}}.findings
(
    finding_id String,
    ts DateTime64(3, 'UTC'),
    session_id String,
    trace_id String,
    agent_type LowCardinality(String),
    detector LowCardinality(String),
    rule_id LowCardinality(String),
    rule_version UInt32,
    severity LowCardinality(String),
    confidence Float32,
    message String,
    evidence_event_ids Array(String),
    tags Array(LowCardinality(String)),
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3),
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.01) GRANULARITY 4,
    INDEX idx_rule_id rule_id TYPE set(256) GRANULARITY 4
)
ENGINE = MergeTree
PARTITION BY toDate(ts)
ORDER BY (session_id, ts, finding_id)
TTL toDateTime(ts) + INTERVAL {{ttl_days}} DAY
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS {{database}}.risk_signals
(
    session_id String,
    trace_id String,
    agent_id String,
    agent_type LowCardinality(String),
    ts DateTime64(3, 'UTC'),
    seq UInt64,
    score Float32,
    level LowCardinality(String),
    decision LowCardinality(String),
    -- Contributing findings as JSON (rule ids also as an array for filtering).
    reasons String,
    reason_rule_ids Array(LowCardinality(String)),
    policy_version LowCardinality(String),
    -- The readable part of the session digest; the detection core's opaque state is not stored.
    digest_events UInt32,
    digest_first_ts DateTime64(3, 'UTC'),
    digest_last_ts DateTime64(3, 'UTC'),
    digest_tools Array(LowCardinality(String)),
    digest_max_data_class LowCardinality(String),
    digest_tainted UInt8,
    digest_destinations Array(String),
    parent_session_id Nullable(String),
    depth UInt16,
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3),
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.01) GRANULARITY 4
)
ENGINE = MergeTree
PARTITION BY toDate(ts)
ORDER BY (session_id, ts, seq)
TTL toDateTime(ts) + INTERVAL {{ttl_days}} DAY
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS {{database}}.decisions
(
    decision_id String,
    kind LowCardinality(String),
    ts DateTime64(3, 'UTC'),
    session_id String,
    trace_id Nullable(String),
    agent_id Nullable(String),
    tool LowCardinality(Nullable(String)),
    policy_version LowCardinality(String),
    input_digest String,
    decision LowCardinality(String),
    enforced LowCardinality(String),
    score Float32,
    level LowCardinality(String),
    reasons String,
    reason_rule_ids Array(LowCardinality(String)),
    shadow UInt8,
    stale LowCardinality(Nullable(String)),
    view_age_ms Nullable(UInt64),
    approval_binding Nullable(String),
    caller LowCardinality(Nullable(String)),
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3),
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.01) GRANULARITY 4
)
ENGINE = MergeTree
PARTITION BY toDate(ts)
ORDER BY (session_id, ts, decision_id)
TTL toDateTime(ts) + INTERVAL {{ttl_days}} DAY
SETTINGS non_replicated_deduplication_window = 1000;
