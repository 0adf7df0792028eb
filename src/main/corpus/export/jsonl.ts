import type { ExportRecord, RoiFeature } from './records';

/** The analysis stage's prompt builder: ROI features → the MELLM prompt text. */
export type PromptBuilder = (features: readonly RoiFeature[]) => string;

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

/**
 * Records with a prompt (stored, or built from their ROI features) become examples;
 * those without one cannot teach the model.
 */
export function instructionRecord(record: ExportRecord, buildPrompt?: PromptBuilder): InstructionRecord | null {
  const prompt = record.prompt?.trim() ? record.prompt : record.roiFeatures?.length && buildPrompt ? buildPrompt(record.roiFeatures) : null;
  if (!prompt) return null;
  return {
    prompt,
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
export function* instructionJsonl(records: readonly ExportRecord[], buildPrompt?: PromptBuilder): Generator<string> {
  for (const record of records) {
    const example = instructionRecord(record, buildPrompt);
    if (example) yield `${JSON.stringify(example)}\n`;
  }
}
