/**
 * A small byte-level BPE tokenizer in the Hugging Face tokenizer.json format, shaped
 * like Qwen's (same pre-tokenizer regex, byte-level decoder, Qwen special tokens). Its
 * merges are learned from a short built-in corpus so ordinary words and the chat
 * template's markup become multi-byte tokens; any other text falls back to bytes.
 *
 * It exists for `mellm llm make-tiny` without `--tokenizer-from`: the shipped app has no
 * real tokenizer of its own to copy (Qwen3's comes only with a dev dependency, which the
 * tests and the bench use), and a test model of a few hundred kB must still load and run.
 */

/** Qwen2/Qwen3's pre-tokenizer split pattern (tokenizer.json of the real models). */
const QWEN_SPLIT =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

export const SPECIAL_TOKENS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>', '<think>', '</think>'] as const;

const CORPUS = `system user assistant The micro-expression starts at the onset frame, peaks at the apex frame and ends at the offset frame.
Action units AU1 AU2 AU4 AU6 AU12 AU14 AU15 AU17 inner brow raiser, outer brow raiser, brow lowerer, cheek raiser, lip corner puller.
The expression flow in the region of interest shows motion of the eyebrows, the eyes, the nose and the mouth.
Describe the facial movement and the emotion: happiness, surprise, disgust, repression, sadness, fear, anger, others.
The subject shows a subtle movement; the left and right sides move together. This is a description of the face.`;

/** GPT-2's reversible byte → printable-character table used by every byte-level BPE. */
export function byteToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const table: string[] = new Array<string>(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = String.fromCodePoint(printable.includes(b) ? b : 256 + extra++);
  }
  return table;
}

function learnMerges(words: string[][], count: number): Array<[string, string]> {
  const merges: Array<[string, string]> = [];
  for (let round = 0; round < count; round++) {
    const pairs = new Map<string, number>();
    for (const word of words) {
      for (let i = 0; i + 1 < word.length; i++) {
        const key = `${word[i]} ${word[i + 1]}`;
        pairs.set(key, (pairs.get(key) ?? 0) + 1);
      }
    }
    let best = '';
    let bestCount = 1;
    // Ties broken by the pair text so the vocabulary is the same on every machine.
    for (const [key, n] of pairs) if (n > bestCount || (n === bestCount && best !== '' && key < best)) [best, bestCount] = [key, n];
    if (!best) break;
    const [a, b] = best.split(' ') as [string, string];
    merges.push([a, b]);
    for (const word of words) {
      for (let i = 0; i + 1 < word.length; i++) {
        if (word[i] === a && word[i + 1] === b) word.splice(i, 2, a + b);
      }
    }
  }
  return merges;
}

/** tokenizer.json content; `mergeCount` bounds the vocabulary (256 bytes + merges + specials). */
export function tinyTokenizerJson(mergeCount = 160): { json: Record<string, unknown>; vocabSize: number } {
  const bytes = byteToUnicode();
  const splitter = new RegExp(QWEN_SPLIT.replace('(?i:', '(?:'), 'gu');
  const encoder = new TextEncoder();
  const words = (`${CORPUS}\n<|im_start|>`.match(splitter) ?? []).map((piece) => Array.from(encoder.encode(piece), (b) => bytes[b] as string));
  const merges = learnMerges(words, mergeCount);
  const vocab: Record<string, number> = {};
  bytes.forEach((char, i) => (vocab[char] = i));
  for (const [a, b] of merges) vocab[a + b] ??= Object.keys(vocab).length;
  const base = Object.keys(vocab).length;
  const addedTokens = SPECIAL_TOKENS.map((content, i) => ({
    id: base + i,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    // Qwen3 marks <think>/</think> as non-special added tokens so they survive decoding.
    special: !content.includes('think'),
  }));
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false };
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: { type: 'NFC' },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [{ type: 'Split', pattern: { Regex: QWEN_SPLIT }, behavior: 'Isolated', invert: false }, byteLevel],
    },
    post_processor: byteLevel,
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: merges.map(([a, b]) => `${a} ${b}`),
    },
  };
  return { json, vocabSize: base + SPECIAL_TOKENS.length };
}
