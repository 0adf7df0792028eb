/**
 * Turns generated token ids into text deltas that are always whole characters: a
 * multi-byte UTF-8 character split over several byte-level tokens is held back until
 * its last byte arrives. Decoding restarts after each clean delta, so one step costs
 * the few pending tokens, not the whole answer.
 */
export class TextDeltaDecoder {
  #pending: number[] = [];
  readonly #decode: (ids: readonly number[]) => string;

  constructor(decode: (ids: readonly number[]) => string) {
    this.#decode = decode;
  }

  // A UTF-8 character has at most 4 bytes: if 4 pending tokens still end in U+FFFD, the
  // bytes are invalid rather than incomplete and are emitted as the replacement char.
  static readonly MAX_HELD_TOKENS = 4;

  push(id: number): string {
    this.#pending.push(id);
    const text = this.#decode(this.#pending);
    if (text.endsWith('\uFFFD') && this.#pending.length < TextDeltaDecoder.MAX_HELD_TOKENS) return '';
    this.#pending = [];
    return text;
  }

  /** Whatever is still held at the end of generation. */
  flush(): string {
    const text = this.#pending.length ? this.#decode(this.#pending) : '';
    this.#pending = [];
    return text;
  }
}

const OPEN = '<think>';
const CLOSE = '</think>';

/**
 * The answer without Qwen3's reasoning: drops `<think>…</think>` and the whitespace after
 * it; an unclosed block (generation stopped mid-thought) drops everything from its tag,
 * as there is no answer text yet. One pass, so tags are found only where the model wrote
 * them, never formed by text joined across a dropped block.
 */
export function stripThinking(text: string): string {
  return text.replace(/<think>[\s\S]*?(?:<\/think>\s*|$)/g, '');
}

/**
 * The reasoning and the answer of a generated text: `thinking` is the content of its
 * `<think>` blocks (an unclosed one included) without the newlines around it, null when
 * there is none; `answer` is stripThinking's.
 */
export function splitThinking(text: string): { thinking: string | null; answer: string } {
  const blocks = Array.from(text.matchAll(/<think>([\s\S]*?)(?:<\/think>|$)/g), (match) => (match[1] ?? '').replace(/^\n+|\n+$/g, ''));
  return { thinking: blocks.length ? blocks.join('\n\n') : null, answer: stripThinking(text) };
}

/** How many characters at the end of `text` (from `from` on) may be the start of `tag`. */
function partialTagLength(text: string, from: number, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length - from); n > 0; n--) {
    if (tag.startsWith(text.slice(text.length - n))) return n;
  }
  return 0;
}

/** Where the filter is in the text: in the answer, inside a `<think>` block, or in the whitespace a closing tag eats. */
type Place = 'answer' | 'thinking' | 'afterThinking';

/**
 * Streams only the visible answer when thinking is hidden: text is released once it can
 * no longer turn out to be part of a `<think>` block. The streamed pieces add up to
 * stripThinking of the whole text however it is cut; each push reads only its delta and
 * the few characters held back (at most a tag's length less one), never the text before.
 */
export class ThinkingFilter {
  #place: Place = 'answer';
  /** The tail of the text so far that may be the start of the tag awaited. */
  #held = '';
  #scanned = 0;

  constructor(readonly keepThinking: boolean) {}

  /** Characters read so far (each push reads its delta and the held tail): the filter's work. */
  get scanned(): number {
    return this.#scanned;
  }

  push(delta: string): string {
    if (this.keepThinking) return delta;
    const text = this.#held + delta;
    this.#scanned += text.length;
    this.#held = '';
    let out = '';
    let at = 0;
    while (at < text.length) {
      if (this.#place === 'afterThinking') {
        while (at < text.length && /\s/.test(text.charAt(at))) at += 1;
        if (at < text.length) this.#place = 'answer';
        continue;
      }
      const tag = this.#place === 'answer' ? OPEN : CLOSE;
      const found = text.indexOf(tag, at);
      if (found < 0) {
        const keep = partialTagLength(text, at, tag);
        if (this.#place === 'answer') out += text.slice(at, text.length - keep);
        this.#held = text.slice(text.length - keep);
        break;
      }
      if (this.#place === 'answer') out += text.slice(at, found);
      at = found + tag.length;
      this.#place = this.#place === 'answer' ? 'thinking' : 'afterThinking';
    }
    return out;
  }

  /** The final visible text, once generation has ended: a held tag start is plain text after all. */
  finish(): string {
    const out = this.#place === 'answer' ? this.#held : '';
    this.#held = '';
    return out;
  }
}
