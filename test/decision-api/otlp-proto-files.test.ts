import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../cli/run-cli';

/** The vendored OTLP definitions are the official ones of opentelemetry-proto v1.11.0, unchanged. */
const DIGESTS: Record<string, string> = {
  'common/v1/common.proto': '620560f3ad4c45d606f8a9c455f2b98089f0d511c5859c3eadd3ee630ae0d4d8',
  'resource/v1/resource.proto': 'e0a7cdc0ffcfeffaa2606e8611839735ebffaa2d6acdf33e9356f2c48ae692d3',
  'trace/v1/trace.proto': 'c3fb1385c90b8bc08a2a462e28b5d0c422c7b524a839f75f75e3cd9f64f36956',
  'collector/trace/v1/trace_service.proto': '03c8cc4e3e101087d884392d6eda32152ad5cd696e6344f50deaa59804a75c7a',
};

describe('vendored opentelemetry-proto files', () => {
  it.each(Object.keys(DIGESTS))('%s is the v1.11.0 file', (file) => {
    const text = readFileSync(join(REPO_ROOT, 'services/decision-api/proto/opentelemetry/proto', file));
    expect(createHash('sha256').update(text).digest('hex')).toBe(DIGESTS[file]);
  });
});
