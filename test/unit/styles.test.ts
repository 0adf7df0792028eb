import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import postcss from 'postcss';
import { describe, expect, it } from 'vitest';

/**
 * The renderer's one stylesheet parses as written: an unclosed block silently nests every
 * later rule, and the browser drops them (the flow legend lost its placement that way).
 */
describe('renderer stylesheet', () => {
  it('parses, and every rule sits at the top level or inside an at-rule', () => {
    const css = readFileSync(join(import.meta.dirname, '../../src/renderer/src/styles.css'), 'utf8');
    const root = postcss.parse(css);
    const nested: string[] = [];
    root.walkRules((rule) => {
      if (rule.parent?.type === 'rule') nested.push(`${(rule.parent as postcss.Rule).selector} > ${rule.selector} (line ${rule.source?.start?.line})`);
    });
    expect(nested).toEqual([]);
  });
});
