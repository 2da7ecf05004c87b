export { childLogger, createLogger, REDACT_PATHS, type Logger, type LoggerConfig } from './logger';
export { parseConfig, ConfigError, env } from './config';
export { ERRORS, ChainwatchError, type ErrorCode } from './errors';
export { serveOps, OPS_PATHS, type MetricsSource, type OpsServer, type OpsServerOptions } from './ops-server';
export { shutdownWithin, DEFAULT_SHUTDOWN_DEADLINE_MS, type ShutdownOptions } from './shutdown';
