import { describe, expect, it } from 'vitest';
import { duplicateKeysIn, duplicates, topLevelKeys } from '../src/log-lines';

describe('log-line keys', () => {
  it('finds duplicate top-level keys that JSON.parse would hide, not nested or quoted ones', () => {
    expect(duplicates(topLevelKeys('{"a":1,"b":{"a":2},"a":3}'))).toEqual(['a']);
    expect(duplicates(topLevelKeys('{"a":"x\\",\\"a","b":[{"a":1}]}'))).toEqual([]);
    expect(duplicateKeysIn('plain text\n{"level":30,"component":"x","component":"y"}\n{"ok":1}\n')).toEqual([
      { line: '{"level":30,"component":"x","component":"y"}', keys: ['component'] },
    ]);
  });
});
