import { parseArgs } from 'node:util';
import { AppError } from '@shared/errors';

/**
 * Command-line options as one table per command: the parser, the typed values, the
 * checks of whole numbers and choices, and the `--help` lines all come from it, so every
 * command refuses a bad flag in the same words.
 */

interface Described {
  /** One line for `--help`. */
  readonly help: string;
}

/** `--name`; with `negatable`, `--no-name` too, and absent stays undefined (the settings decide). */
export interface FlagOption extends Described {
  readonly kind: 'flag';
  readonly negatable?: boolean;
}

/** `--name <value>`: a path or free text. */
export interface TextOption extends Described {
  readonly kind: 'text';
  /** The placeholder shown in `--help` (`file`, `folder`). */
  readonly value: string;
  readonly default?: string;
}

/** `--name N`: a whole number within [min, max]. */
export interface IntOption extends Described {
  readonly kind: 'int';
  readonly value: string;
  readonly min: number;
  readonly max?: number;
  readonly default?: number;
}

/** `--name X`: a number above 0 (a rate, a size). */
export interface PositiveOption extends Described {
  readonly kind: 'positive';
  readonly value: string;
}

/** `--name a|b`: one of a fixed list; with `multiple`, repeatable and comma-separated. */
export interface ChoiceOption<V extends string = string> extends Described {
  readonly kind: 'choice';
  readonly values: readonly V[];
  readonly default?: V;
  readonly multiple?: boolean;
}

export type OptionSpec = FlagOption | TextOption | IntOption | PositiveOption | ChoiceOption;
export type OptionTable = Readonly<Record<string, OptionSpec>>;

type ValueOf<S> = S extends FlagOption
  ? S extends { negatable: true }
    ? boolean | undefined
    : boolean
  : S extends ChoiceOption<infer V>
    ? S extends { multiple: true }
      ? V[]
      : S extends { default: V }
        ? V
        : V | undefined
    : S extends IntOption
      ? S extends { default: number }
        ? number
        : number | undefined
      : S extends PositiveOption
        ? number | undefined
        : S extends { default: string }
          ? string
          : string | undefined;

export type OptionValues<T extends OptionTable> = { -readonly [K in keyof T]: ValueOf<T[K]> };

/** A table kept with its literal types (choices, defaults) so the parsed values are typed from it. */
export function defineOptions<const T extends OptionTable>(table: T): T {
  return table;
}

/** A mistake on the command line: `mellm` adds the command's usage to the message. */
export class OptionError extends AppError {
  constructor(message: string) {
    super('INVALID_INPUT', message);
    this.name = 'OptionError';
  }
}

/** The option as `--help` shows it, e.g. `--jobs N`. */
function synopsis(name: string, spec: OptionSpec): string {
  switch (spec.kind) {
    case 'flag':
      return spec.negatable ? `--[no-]${name}` : `--${name}`;
    case 'choice':
      return `--${name} ${spec.values.join('|')}${spec.multiple ? '[,...]' : ''}`;
    default:
      return `--${name} ${spec.value}`;
  }
}

/** The `Options:` lines of `--help`, one per option, from the same table the parser reads. */
export function optionsHelp(table: OptionTable): string {
  const rows = Object.entries(table).map(([name, spec]) => {
    const fallback = 'default' in spec && spec.default !== undefined ? ` (default ${spec.default})` : '';
    return [synopsis(name, spec), `${spec.help}${fallback}`] as const;
  });
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join('\n');
}

function listed(values: readonly string[]): string {
  return values.length <= 1 ? (values[0] ?? '') : `${values.slice(0, -1).join(', ')} or ${values.at(-1) as string}`;
}

function wholeNumber(name: string, spec: IntOption, text: string): number {
  const value = /^-?\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isSafeInteger(value) && value >= spec.min && (spec.max === undefined || value <= spec.max)) return value;
  const range = spec.max === undefined ? `≥ ${spec.min}` : `from ${spec.min} to ${spec.max}`;
  throw new OptionError(`--${name} must be a whole number ${range}, got "${text}"`);
}

function positive(name: string, text: string): number {
  const value = /^\s*$/.test(text) ? Number.NaN : Number(text);
  if (Number.isFinite(value) && value > 0) return value;
  throw new OptionError(`--${name} must be a positive number, got "${text}"`);
}

function choice(name: string, spec: ChoiceOption, text: string): string {
  if (spec.values.includes(text)) return text;
  throw new OptionError(`--${name} must be ${listed(spec.values)}, got "${text}"`);
}

/** Node's parser's own errors, in the words of the others. */
function reworded(error: unknown): unknown {
  if (!(error instanceof TypeError) || !('code' in error)) return error;
  const option = /'(-[^' ]+)/.exec(error.message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new OptionError(`unknown option ${option ?? error.message}`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return new OptionError(/does not take/.test(error.message) ? `${option} takes no value` : `${option} needs a value (write ${option}=-X for a value that starts with -)`);
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new OptionError(`unexpected argument ${/'([^']*)'/.exec(error.message)?.[1] ?? ''}`.trim());
    default:
      return error;
  }
}

export interface ParsedOptions<T extends OptionTable> {
  readonly values: OptionValues<T>;
  readonly positionals: string[];
}

/**
 * Parses `args` by the table: unknown flags, a missing value, a bad number or choice are
 * an OptionError naming the flag. `positionals: false` refuses any bare argument.
 */
export function parseOptions<T extends OptionTable>(table: T, args: readonly string[], settings: { readonly positionals?: boolean } = {}): ParsedOptions<T> {
  const config: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(table)) {
    config[name] = spec.kind === 'flag' ? { type: 'boolean' } : { type: 'string', ...(spec.kind === 'choice' && spec.multiple ? { multiple: true } : {}) };
  }
  const parsed = (() => {
    try {
      return parseArgs({ args: [...args], options: config, tokens: true, allowPositionals: settings.positionals ?? false, allowNegative: true, strict: true });
    } catch (error) {
      throw reworded(error);
    }
  })();
  for (const token of parsed.tokens) {
    if (token.kind === 'option' && token.rawName.startsWith('--no-') && !(table[token.name] as FlagOption).negatable) throw new OptionError(`unknown option ${token.rawName}`);
  }
  const raw = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(table)) {
    const given = raw[name];
    switch (spec.kind) {
      case 'flag':
        values[name] = given === undefined ? (spec.negatable ? undefined : false) : given;
        break;
      case 'text':
        values[name] = given ?? spec.default;
        break;
      case 'int':
        values[name] = given === undefined ? spec.default : wholeNumber(name, spec, given as string);
        break;
      case 'positive':
        values[name] = given === undefined ? undefined : positive(name, given as string);
        break;
      case 'choice':
        if (spec.multiple) {
          const items = ((given ?? []) as string[]).flatMap((item) => item.split(',')).map((item) => item.trim()).filter(Boolean);
          values[name] = items.map((item) => choice(name, spec, item));
        } else {
          values[name] = given === undefined ? spec.default : choice(name, spec, given as string);
        }
        break;
    }
  }
  return { values: values as OptionValues<T>, positionals: parsed.positionals };
}
