import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Each worker process gets its own embedded ClickHouse data directory (chdb binds one per process).
if (!process.env.CLICKHOUSE_URL && !process.env.CHAINWATCH_TEST_DATA_DIR) {
  process.env.CHAINWATCH_TEST_DATA_DIR = mkdtempSync(join(tmpdir(), 'chainwatch-test-'));
}
