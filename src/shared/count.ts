/**
 * A count with its noun in the number it takes, for English messages a person reads:
 * "1 clip", "0 clips", "3 rows". `plural` for nouns that do not just take an s.
 */
export function counted(count: number, noun: string, plural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : plural}`;
}
