import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every relative link in README.md and docs/*.md points at a file that exists, and a
 * `#anchor` into a Markdown page names one of its headings (GitHub's slugs).
 */
const root = resolve(import.meta.dirname, '../..');
const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** The page's text outside fenced code blocks, with inline code spans blanked. */
function prose(markdown: string): string[] {
  const lines: string[] = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (!fenced) lines.push(line.replace(/`[^`]*`/g, (code) => ' '.repeat(code.length)));
  }
  return lines;
}

/** GitHub's heading anchor: rendered text, lower case, punctuation dropped, spaces → '-'. */
function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  let fenced = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = slug(heading[1] as string);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count ? `${base}-${count}` : base);
  }
  return result;
}

function links(page: string): string[] {
  const targets: string[] = [];
  for (const line of prose(readFileSync(join(root, page), 'utf8'))) {
    for (const match of line.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(match[1] as string);
    const reference = /^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(line);
    if (reference) targets.push(reference[1] as string);
  }
  return targets;
}

/** Why `target`, linked from `page`, is broken; null when it is fine or not relative. */
function broken(page: string, target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) return null;
  const [path = '', anchor] = target.split('#', 2);
  const file = path ? resolve(dirname(join(root, page)), decodeURIComponent(path)) : join(root, page);
  if (relative(root, file).startsWith('..')) return `${target} leaves the repository`;
  if (!existsSync(file)) return `${target}: no such file`;
  if (anchor && file.endsWith('.md') && statSync(file).isFile() && !anchors(file).has(anchor.toLowerCase())) {
    return `${target}: no heading #${anchor} in ${relative(root, file)}`;
  }
  return null;
}

describe('documentation links', () => {
  it('slugs headings as GitHub does', () => {
    expect(slug('Display proxies (long videos)')).toBe('display-proxies-long-videos');
    expect(slug('Why the pipeline uses `balanced`')).toBe('why-the-pipeline-uses-balanced');
    expect(slug('agreement, export, review-store')).toBe('agreement-export-review-store');
  });

  it('finds links in prose and ignores code', () => {
    expect(broken('README.md', 'https://example.org/x')).toBeNull();
    expect(broken('README.md', 'docs/no-such-page.md')).toMatch(/no such file/);
    expect(broken('README.md', '#no-such-heading')).toMatch(/no heading/);
  });

  it.each(pages)('%s: every relative link points at an existing file and heading', (page) => {
    const problems = links(page)
      .map((target) => broken(page, target))
      .filter((problem): problem is string => problem !== null);
    expect(problems).toEqual([]);
  });
});
