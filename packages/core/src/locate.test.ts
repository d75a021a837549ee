import { describe, expect, it } from 'vitest';
import { excerptOf } from './locate.js';

describe('excerptOf', () => {
  it('returns the line with the caret under the column', () => {
    expect(excerptOf('a\n  key: "x",\n', 2, 3)).toEqual({ text: '  key: "x",', caret: 3 });
  });

  it('escapes bidi, control and non-ASCII characters and keeps the caret under the same character', () => {
    const excerpt = excerptOf("name: 'pay\u202Ements', team: 'x'", 1, 18);
    expect(excerpt?.text).toBe("name: 'pay\\u{202E}ments', team: 'x'");
    // Column 18 is the `,` in the raw line; in the escaped text it moved right by the escape's width.
    expect(excerpt?.text[(excerpt?.caret ?? 0) - 1]).toBe(',');
  });

  it('cuts a long line around the caret', () => {
    const line = `${'a'.repeat(5000)}X${'b'.repeat(5000)}`;
    const excerpt = excerptOf(line, 1, 5001);
    expect(excerpt?.text.length).toBeLessThanOrEqual(122);
    expect(excerpt?.text.startsWith('…')).toBe(true);
    expect(excerpt?.text.endsWith('…')).toBe(true);
    expect(excerpt?.text[(excerpt?.caret ?? 0) - 1]).toBe('X');
  });

  it('prints no excerpt for a line holding a secret, an empty line, or a line past the end', () => {
    expect(excerptOf(`x: ${'AGE-SECRET-KEY-1'}${'Q'.repeat(58)}`, 1, 1)).toBeUndefined();
    expect(excerptOf('a\n\nb', 2, 1)).toBeUndefined();
    expect(excerptOf('a', 3, 1)).toBeUndefined();
  });

  it('turns tabs into spaces and ignores a CR before the newline', () => {
    expect(excerptOf('\tkey: 1\r\nnext', 1, 2)).toEqual({ text: ' key: 1', caret: 2 });
  });
});
