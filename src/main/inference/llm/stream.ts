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

/** The answer without Qwen3's reasoning: drops `<think>…</think>` and the blank lines after it. */
export function stripThinking(text: string): string {
  let out = text.replace(/<think>[\s\S]*?<\/think>\s*/g, '');
  // An unclosed block (generation stopped mid-thought) has no answer text yet.
  const open = out.indexOf(OPEN);
  if (open >= 0) out = out.slice(0, open);
  return out;
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

/**
 * Streams only the visible answer when thinking is hidden: text is released once it can
 * no longer turn out to be part of a `<think>` block.
 */
export class ThinkingFilter {
  #raw = '';
  #emitted = 0;

  constructor(readonly keepThinking: boolean) {}

  push(delta: string): string {
    if (this.keepThinking) return delta;
    this.#raw += delta;
    let visible = stripThinking(this.#raw);
    // Hold a tail that may be the start of "<think>" or whitespace that a closing tag eats.
    for (let n = Math.min(OPEN.length - 1, visible.length); n > 0; n--) {
      if (OPEN.startsWith(visible.slice(-n))) {
        visible = visible.slice(0, -n);
        break;
      }
    }
    if (this.#raw.lastIndexOf(CLOSE) >= 0 && /^\s*$/.test(this.#raw.slice(this.#raw.lastIndexOf(CLOSE) + CLOSE.length))) {
      visible = visible.trimEnd();
    }
    const out = visible.slice(this.#emitted);
    this.#emitted = Math.max(this.#emitted, visible.length);
    return out;
  }

  /** The final visible text, once generation has ended. */
  finish(): string {
    const visible = this.keepThinking ? this.#raw : stripThinking(this.#raw);
    const out = visible.slice(this.#emitted);
    this.#emitted = visible.length;
    return out;
  }
}
