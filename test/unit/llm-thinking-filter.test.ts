/**
 * ThinkingFilter, the streamed answer without Qwen3's `<think>` blocks: the pieces it
 * releases add up to stripThinking of the whole text however the text is cut into deltas
 * (every single cut, every character alone, seeded random cuts), and its work grows with
 * the text streamed, not with its square (counted in characters read, not timed).
 * What this cannot show: the cost of a real tokenizer's deltas (the llm bench runs those).
 */
import { describe, expect, it } from 'vitest';
import { splitThinking, stripThinking, ThinkingFilter } from '../../src/main/inference/llm/stream';
import { seededRandom } from '../../src/main/util/random';

function streamed(pieces: readonly string[]): string {
  const filter = new ThinkingFilter(false);
  return pieces.map((piece) => filter.push(piece)).join('') + filter.finish();
}

const WRITTEN = [
  '<think>\nAU4 和 AU15 同时出现。\n</think>\n\n### 1. AU4 brow lowerer.',
  '<think>\n\n</think>\n\nBrow lowering 微表情.',
  'No thinking at all, a < b and x<y, a <thin wall.',
  'Answer first <think>then a thought</think>  \n\t then more <think>and an unclosed one',
  '<think>nested <think> opens</think>\n after, and a stray </think> stays.',
  'ends on a tag start <thi',
  'ends on a close start <think>x</thin',
  '<think>x</think>\n\n\n',
  '\u00a0 lead <think></think>\u2028\u00a0tail',
  '<thi<think>dropped</think>nk>kept: a tag is only where the model wrote one',
  '',
];

/** Seeded texts built from the pieces that matter: tags, their prefixes, whitespace, CJK, words. */
function randomTexts(count: number): string[] {
  const random = seededRandom(29);
  const parts = ['<think>', '</think>', '<', '<th', '</', 'think>', 'nk>', '\n', ' ', '\n\n', '微表情', 'AU12', 'brow', '>', '/'];
  return Array.from({ length: count }, () => Array.from({ length: 2 + Math.floor(random() * 14) }, () => parts[Math.floor(random() * parts.length)]).join(''));
}

describe('ThinkingFilter chunking', () => {
  const texts = [...WRITTEN, ...randomTexts(300)];

  it('releases stripThinking of the whole text when the text is cut at any one place', () => {
    for (const text of texts) {
      const whole = stripThinking(text);
      for (let cut = 0; cut <= text.length; cut += 1) expect(streamed([text.slice(0, cut), text.slice(cut)]), JSON.stringify([text, cut])).toBe(whole);
    }
  });

  it('releases the same text one character at a time and in seeded random pieces', () => {
    const random = seededRandom(2026);
    for (const text of texts) {
      const whole = stripThinking(text);
      expect(streamed([...text])).toBe(whole);
      for (let trial = 0; trial < 5; trial += 1) {
        const pieces: string[] = [];
        for (let at = 0; at < text.length; ) {
          const size = 1 + Math.floor(random() * 9);
          pieces.push(text.slice(at, at + size));
          at += size;
        }
        expect(streamed(pieces), JSON.stringify(pieces)).toBe(whole);
      }
    }
  });

  it('strips closed blocks with the whitespace after them, and everything from an unclosed block', () => {
    expect(stripThinking(WRITTEN[3]!)).toBe('Answer first then more ');
    expect(stripThinking(WRITTEN[4]!)).toBe('after, and a stray </think> stays.');
    expect(stripThinking(WRITTEN[9]!)).toBe('<think>kept: a tag is only where the model wrote one');
    expect(splitThinking(WRITTEN[0]!)).toEqual({ thinking: 'AU4 和 AU15 同时出现。', answer: '### 1. AU4 brow lowerer.' });
  });

  it('streams everything when thinking is kept', () => {
    const keep = new ThinkingFilter(true);
    const pieces = ['<th', 'ink>\nreason', '</think>\n', 'Brow'];
    expect(pieces.map((p) => keep.push(p)).join('') + keep.finish()).toBe(pieces.join(''));
  });
});

describe('ThinkingFilter work', () => {
  it('reads each streamed character a bounded number of times over a 16,384-token answer', () => {
    const random = seededRandom(7);
    const words = ['AU4', ' brow', ' lowerer', '，', '微', '表情', '\n', ' <', 'b', ' onset', ' apex', '.'];
    const tokens = ['<think>', '\n'];
    while (tokens.length < 8192) tokens.push(words[Math.floor(random() * words.length)]!);
    tokens.push('</think>', '\n\n');
    while (tokens.length < 16_384) tokens.push(words[Math.floor(random() * words.length)]!);
    const filter = new ThinkingFilter(false);
    const out = tokens.map((token) => filter.push(token)).join('') + filter.finish();
    const text = tokens.join('');
    expect(out).toBe(stripThinking(text));
    // Each push reads its delta and at most a tag's length less one held back.
    expect(filter.scanned).toBeLessThanOrEqual(text.length + tokens.length * ('</think>'.length - 1));
  });
});
