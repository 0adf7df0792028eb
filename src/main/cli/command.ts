import type { Services } from '../api/context';
import type { OptionTable } from './options';

/** Where a command writes; tests capture it, the binary uses the process streams. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Writes without a newline (streamed text); falls back to out() where absent. */
  write?(text: string): void;
}

export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  /** Its options: parsed with parseOptions, listed by `--help`. */
  readonly options: OptionTable;
  /** Returns the process exit code. */
  run(args: string[], io: CliIO, services: () => Services): Promise<number>;
}
