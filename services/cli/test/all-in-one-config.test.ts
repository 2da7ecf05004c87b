import { describe, expect, it } from 'vitest';
import { ConfigError } from '@chainwatch/runtime';
import { loadAllInOneConfig } from '../src/all-in-one/all-in-one-config';

describe('chainwatch start settings', () => {
  it('logs at warn by default (the banner and the finding lines say the rest), and follows LOG_LEVEL', () => {
    expect(loadAllInOneConfig({}, {}).env.LOG_LEVEL).toBe('warn');
    expect(loadAllInOneConfig({}, { LOG_LEVEL: 'info' }).env.LOG_LEVEL).toBe('info');
  });

  it('prints findings of medium severity and above by default; flags override the environment', () => {
    expect(loadAllInOneConfig({}, {}).alerts.CHAINWATCH_PRINT_LEVEL).toBe('medium');
    expect(loadAllInOneConfig({ printLevel: 'low' }, { CHAINWATCH_PRINT_LEVEL: 'high' }).alerts.CHAINWATCH_PRINT_LEVEL).toBe('low');
    expect(loadAllInOneConfig({ port: '9191' }, { CHAINWATCH_PORT: '8181' }).env.CHAINWATCH_PORT).toBe(9191);
  });

  it('names a bad variable', () => {
    expect(() => loadAllInOneConfig({}, { LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    expect(() => loadAllInOneConfig({}, { LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });
});
