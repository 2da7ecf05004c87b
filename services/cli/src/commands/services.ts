/**
 * The single-service commands: `chainwatch processor`, `decision-api`, `trace-writer`, each
 * against Kafka (and ClickHouse for the writer). Each service owns its wiring
 * (services/<name>/src/service.ts: config → dependencies → run → close); these load its
 * configuration and serve it until SIGINT or SIGTERM.
 */
import { serve } from './run-service';

export async function processorCommand(_argv: string[]): Promise<number> {
  const { loadProcessorServiceConfig, runProcessorService } = await import('@chainwatch/session-processor');
  const config = loadProcessorServiceConfig();
  return serve(() => runProcessorService(config));
}

export async function decisionApiCommand(_argv: string[]): Promise<number> {
  const { loadDecisionApiConfig, runDecisionApiService } = await import('@chainwatch/decision-api');
  const config = loadDecisionApiConfig();
  return serve(() => runDecisionApiService(config));
}

export async function traceWriterCommand(_argv: string[]): Promise<number> {
  const { loadTraceWriterConfig, runTraceWriterService } = await import('@chainwatch/trace-writer');
  const config = loadTraceWriterConfig();
  return serve(() => runTraceWriterService(config));
}
