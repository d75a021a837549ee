import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mermaidLabel } from './mermaid.js';

/** What Mermaid shows for a label: the entities turned back into characters. */
function shown(label: string): string {
  return label
    .slice(1, -1)
    .replace(/#quot;/g, '"')
    .replace(/#lt;/g, '<')
    .replace(/#gt;/g, '>')
    .replace(/#amp;/g, '&')
    .replace(/#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}

describe('mermaidLabel', () => {
  it('quotes and escapes quotes, brackets and angle brackets', () => {
    expect(mermaidLabel('a "b" [c] <d> (e) {f} |g| `h` #i')).toBe(
      '"a #quot;b#quot; #91;c#93; #lt;d#gt; #40;e#41; #123;f#125; #124;g#124; #96;h#96; #35;i"',
    );
  });

  it('keeps line breaks and drops carriage returns and control characters', () => {
    expect(mermaidLabel('a\r\nb\tc\u0000')).toBe('"a\nb c "');
  });

  it('for any printable text: one quoted string without syntax characters, showing the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ab #";<>&[](){}|`\n19') }), (text) => {
        const label = mermaidLabel(text);
        expect(label.startsWith('"') && label.endsWith('"')).toBe(true);
        expect(label.slice(1, -1)).not.toMatch(/["<>[\](){}|`]/);
        expect(shown(label)).toBe(text);
      }),
    );
  });
});
