// Waits until a Kafka broker serves requests: it answers a metadata request (kafkajs admin
// describeCluster), its group coordinator is loaded (an offset fetch, which also creates
// __consumer_offsets on a fresh broker) and it hands out producer ids (an idempotent producer).
// Without the last two, the first consumer group or producer of a test run meets "coordinator is
// loading" errors.
// Usage: node await-broker.mjs HOST:PORT[,HOST:PORT...] TIMEOUT_SECONDS [PID]
// Exits 0 when the broker serves requests; 1 on timeout or when process PID exits first.
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;
const [brokersArg, timeoutArg = '90', pidArg] = process.argv.slice(2);
if (!brokersArg) {
  console.error('usage: node await-broker.mjs HOST:PORT TIMEOUT_SECONDS [PID]');
  process.exit(2);
}
const brokers = brokersArg.split(',');
const deadline = Date.now() + Number(timeoutArg) * 1000;
const pid = pidArg ? Number(pidArg) : undefined;

const running = () => {
  if (pid === undefined) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const kafka = new Kafka({
  clientId: 'chainwatch-await-broker',
  brokers,
  connectionTimeout: 1000,
  requestTimeout: 3000,
  retry: { retries: 0 },
  logLevel: logLevel.NOTHING,
});

let lastError = 'no attempt made';
while (Date.now() < deadline) {
  if (!running()) {
    console.error(`kafka: broker process ${pid} exited before serving requests`);
    process.exit(1);
  }
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length > 0 && cluster.controller !== null) {
      await admin.fetchOffsets({ groupId: 'chainwatch-await-broker', topics: [] });
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 1 } });
      await producer.connect();
      await producer.disconnect();
      await admin.disconnect();
      process.exit(0);
    }
    lastError = 'cluster has no controller yet';
  } catch (err) {
    lastError = err instanceof Error ? err.message : String(err);
  }
  await admin.disconnect().catch(() => {});
  await new Promise((resolve) => setTimeout(resolve, 250));
}
console.error(`kafka: ${brokers.join(',')} not ready after ${timeoutArg}s (last error: ${lastError})`);
process.exit(1);
