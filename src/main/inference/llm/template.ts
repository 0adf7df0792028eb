import { Template } from '@huggingface/jinja';
import { AppError } from '@shared/errors';

/**
 * Chat templates. A model folder's `chat_template` is a Jinja program written by whoever
 * made the folder: rendering it can loop for hours, allocate until V8 aborts the process,
 * or produce a prompt of gigabytes. Callers therefore render through a TemplateRenderer
 * that runs the template in a separate, limited process (jobs/sandbox.ts); only that
 * process renders in-process (renderChatTemplate below).
 */

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/** The variables a chat template sees, as `apply_chat_template` passes them. */
export interface ChatTemplateContext {
  readonly messages: readonly ChatMessage[];
  readonly add_generation_prompt: boolean;
  /** Absent: the template's own default (Qwen3's thinks), as `apply_chat_template` without it. */
  readonly enable_thinking?: boolean;
  readonly bos_token: string;
  readonly eos_token: string;
}

export interface ChatTemplateJob {
  /** The template's source text. */
  readonly template: string;
  readonly context: ChatTemplateContext;
  /** Where the template comes from (the model folder), for messages. */
  readonly origin: string;
}

/** Renders a chat template; a template that fails, loops or exhausts its limits rejects MODEL_INVALID. */
export interface TemplateRenderer {
  render(job: ChatTemplateJob, options?: { readonly signal?: AbortSignal }): Promise<string>;
}

/** The longest template source accepted (real ones are a few kB). */
export const MAX_TEMPLATE_CHARS = 1 << 20;
/** Markup a template may add on top of repeating the messages (roles, tags, a default system prompt). */
const OUTPUT_ALLOWANCE = 64 * 1024;

/** The most text a rendering of `context` may produce: the messages twice over, plus markup. */
export function maxRenderedChars(context: ChatTemplateContext): number {
  const content = context.messages.reduce((sum, message) => sum + message.content.length, 0);
  return 2 * content + OUTPUT_ALLOWANCE;
}

/** The variables of a sample conversation: rendering it shows whether a template works at all. */
function sampleContext(special: { readonly bos_token: string; readonly eos_token: string }): ChatTemplateContext {
  return {
    messages: [
      { role: 'system', content: 'You are a FACS coder.' },
      { role: 'user', content: 'Describe AU12.' },
    ],
    add_generation_prompt: true,
    enable_thinking: false,
    ...special,
  };
}

/** A special token of tokenizer_config.json as text: a string, or an AddedToken's content. */
function specialToken(config: Readonly<Record<string, unknown>>, key: string): string {
  const value = config[key];
  if (typeof value === 'string') return value;
  const content = (value as { content?: unknown } | null | undefined)?.content;
  return typeof content === 'string' ? content : '';
}

/** The chat template text of a tokenizer_config.json: a string, or the `default` (else first) of a named list. */
function chatTemplateText(config: Readonly<Record<string, unknown>>, folder: string): string {
  const template = config.chat_template;
  const text =
    typeof template === 'string'
      ? template
      : Array.isArray(template)
        ? ((template.find((t: { name?: unknown }) => t?.name === 'default') ?? template[0]) as { template?: unknown } | undefined)?.template
        : undefined;
  if (typeof text !== 'string') throw new AppError('MODEL_INVALID', `tokenizer_config.json in ${folder} has no chat_template.`);
  if (text.length > MAX_TEMPLATE_CHARS) {
    throw new AppError('MODEL_INVALID', `The chat template in ${folder} is ${text.length} characters long, more than the ${MAX_TEMPLATE_CHARS} a template may have.`);
  }
  return text;
}

/**
 * The template and special tokens of a tokenizer_config.json, once a sample conversation
 * rendered through `renderer`: rejects MODEL_INVALID when the template cannot be used.
 */
export async function checkChatTemplate(
  config: Readonly<Record<string, unknown>>,
  folder: string,
  renderer: TemplateRenderer,
): Promise<{ template: string; special: { bos_token: string; eos_token: string } }> {
  const template = chatTemplateText(config, folder);
  const special = { bos_token: specialToken(config, 'bos_token'), eos_token: specialToken(config, 'eos_token') };
  await renderer.render({ template, context: sampleContext(special), origin: folder });
  return { template, special };
}

// Parsed templates by source: a sandbox process renders the same one again and again.
const parsed = new Map<string, Template>();
const PARSED_KEPT = 4;

/**
 * Renders in this process. Only for a process that is itself the sandbox (it has the time
 * and memory limits), and for tests of the project's own templates.
 */
export function renderChatTemplate(job: ChatTemplateJob): string {
  if (job.template.length > MAX_TEMPLATE_CHARS) {
    throw new AppError('MODEL_INVALID', `The chat template in ${job.origin} is longer than ${MAX_TEMPLATE_CHARS} characters.`);
  }
  let template = parsed.get(job.template);
  if (!template) {
    try {
      template = new Template(job.template);
    } catch (error) {
      throw new AppError('MODEL_INVALID', `The chat template in ${job.origin} cannot be parsed: ${(error as Error).message}`, { cause: error });
    }
    if (parsed.size >= PARSED_KEPT) parsed.delete(parsed.keys().next().value as string);
    parsed.set(job.template, template);
  }
  let text: unknown;
  try {
    text = template.render({ ...job.context, messages: job.context.messages.map((m) => ({ ...m })) });
  } catch (error) {
    throw new AppError('MODEL_INVALID', `The chat template in ${job.origin} failed: ${(error as Error).message}`, { cause: error });
  }
  if (typeof text !== 'string') throw new AppError('MODEL_INVALID', `The chat template in ${job.origin} did not produce text.`);
  const cap = maxRenderedChars(job.context);
  if (text.length > cap) {
    throw new AppError('MODEL_INVALID', `The chat template in ${job.origin} produced ${text.length} characters, more than the ${cap} a prompt of this conversation may have.`);
  }
  return text;
}

/** In-process rendering as a TemplateRenderer: see renderChatTemplate for where it may be used. */
export const inProcessTemplateRenderer: TemplateRenderer = {
  render: async (job) => renderChatTemplate(job),
};
