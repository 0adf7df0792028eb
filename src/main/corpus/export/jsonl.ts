import type { ExportRecord } from './records';

/** One MELLM instruction-tuning example: the ROI prompt and the annotated answer. */
export interface InstructionRecord {
  readonly prompt: string;
  readonly response: string;
  readonly dataset: string;
  readonly subject: string;
  readonly clip: string;
  readonly event: string;
  readonly annotator: string;
  readonly aus: string;
  readonly label: string | null;
}

/**
 * The response an annotator's labels teach: their description when written, else the
 * AU and category summary MELLM's third step ends with.
 */
function response(record: ExportRecord): string {
  if (record.description?.trim()) return record.description;
  const category = record.label3 ? record.label3[0]!.toUpperCase() + record.label3.slice(1) : 'Unknown';
  return `Action Units: ${record.aus || 'none'}. Micro-expression: ${category}.`;
}

/** Records with a prompt become examples; those without one cannot teach the model. */
export function instructionRecord(record: ExportRecord): InstructionRecord | null {
  if (!record.prompt?.trim()) return null;
  return {
    prompt: record.prompt,
    response: response(record),
    dataset: record.dataset,
    subject: record.subject,
    clip: record.clipName,
    event: record.eventId,
    annotator: record.annotator,
    aus: record.aus,
    label: record.label3,
  };
}

/** JSON Lines: JSON.stringify escapes newlines and quotes, so each example is one line. */
export function* instructionJsonl(records: readonly ExportRecord[]): Generator<string> {
  for (const record of records) {
    const example = instructionRecord(record);
    if (example) yield `${JSON.stringify(example)}\n`;
  }
}
