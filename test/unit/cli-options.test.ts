import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineOptions, OptionError, optionsHelp, parseOptions } from '../../src/main/cli/options';
import { runCli } from '../../src/main/cli/main';
import { COMMANDS } from '../../src/main/cli/commands';

const TABLE = defineOptions({
  workspace: { kind: 'text', value: 'file', help: 'the workspace file' },
  jobs: { kind: 'int', value: 'N', min: 1, max: 16, default: 1, help: 'analyses at once' },
  at: { kind: 'int', value: 'N', min: 0, help: '0-based frame' },
  fps: { kind: 'positive', value: 'R', help: 'frame rate' },
  'prompt-format': { kind: 'choice', values: ['mellm', 'json'], help: 'how the prompt is written' },
  format: { kind: 'choice', values: ['casme2-csv', 'megc', 'eaf'], multiple: true, help: 'formats to write' },
  thinking: { kind: 'flag', negatable: true, help: 'Qwen3 thinking' },
  json: { kind: 'flag', help: 'print JSON' },
});

function refusal(args: string[]): string {
  try {
    parseOptions(TABLE, args, { positionals: true });
  } catch (error) {
    expect(error).toBeInstanceOf(OptionError);
    expect(error).toMatchObject({ code: 'INVALID_INPUT' });
    return (error as Error).message;
  }
  throw new Error(`accepted ${args.join(' ')}`);
}

describe('the CLI option helper', () => {
  it('parses typed values from the table, defaults and positionals included', () => {
    const { values, positionals } = parseOptions(TABLE, ['clip.mp4', '--jobs', '4', '--at=0', '--fps', '29.97', '--format', 'megc,eaf', '--format', 'casme2-csv', '--no-thinking', '--json'], { positionals: true });
    expect(values).toEqual({ workspace: undefined, jobs: 4, at: 0, fps: 29.97, 'prompt-format': undefined, format: ['megc', 'eaf', 'casme2-csv'], thinking: false, json: true });
    expect(positionals).toEqual(['clip.mp4']);
    expectTypeOf(values.jobs).toEqualTypeOf<number>();
    expectTypeOf(values.at).toEqualTypeOf<number | undefined>();
    expectTypeOf(values['prompt-format']).toEqualTypeOf<'mellm' | 'json' | undefined>();
    expectTypeOf(values.format).toEqualTypeOf<Array<'casme2-csv' | 'megc' | 'eaf'>>();
    expectTypeOf(values.thinking).toEqualTypeOf<boolean | undefined>();
    expectTypeOf(values.json).toEqualTypeOf<boolean>();
    expect(parseOptions(TABLE, []).values).toMatchObject({ jobs: 1, thinking: undefined, json: false, format: [] });
  });

  it('refuses an unknown flag, a missing value, a stray argument and a negation it does not offer', () => {
    expect(refusal(['--jsn'])).toBe('unknown option --jsn');
    expect(refusal(['--workspace'])).toBe('--workspace needs a value (write --workspace=-X for a value that starts with -)');
    expect(refusal(['--json=yes'])).toBe('--json takes no value');
    expect(refusal(['--no-json'])).toBe('unknown option --no-json');
    expect(() => parseOptions(TABLE, ['extra'])).toThrow(/^unexpected argument extra$/);
  });

  it('refuses a bad whole number with its range', () => {
    expect(refusal(['--jobs', '0'])).toBe('--jobs must be a whole number from 1 to 16, got "0"');
    expect(refusal(['--jobs', '2.5'])).toBe('--jobs must be a whole number from 1 to 16, got "2.5"');
    expect(refusal(['--at', 'x'])).toBe('--at must be a whole number ≥ 0, got "x"');
    expect(refusal(['--at', '99999999999999999999'])).toBe('--at must be a whole number ≥ 0, got "99999999999999999999"');
    expect(refusal(['--fps', '0'])).toBe('--fps must be a positive number, got "0"');
    expect(refusal(['--fps', ''])).toBe('--fps must be a positive number, got ""');
  });

  it('refuses a value outside a choice, also inside a comma list', () => {
    expect(refusal(['--prompt-format', 'yaml'])).toBe('--prompt-format must be mellm or json, got "yaml"');
    expect(refusal(['--format', 'megc,casme3'])).toBe('--format must be casme2-csv, megc or eaf, got "casme3"');
  });

  it('writes the help lines from the same table', () => {
    expect(optionsHelp(TABLE).split('\n')).toEqual([
      '  --workspace file                    the workspace file',
      '  --jobs N                            analyses at once (default 1)',
      '  --at N                              0-based frame',
      '  --fps R                             frame rate',
      '  --prompt-format mellm|json          how the prompt is written',
      '  --format casme2-csv|megc|eaf[,...]  formats to write',
      '  --[no-]thinking                     Qwen3 thinking',
      '  --json                              print JSON',
    ]);
  });

  it('is what every command parses with: `mellm <command> --help` lists its options, a bad flag gets the usage', async () => {
    const run = async (...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    for (const command of COMMANDS) {
      const help = await run(command.name, '--help');
      expect(help.code, command.name).toBe(0);
      expect(help.out, command.name).toContain(`Options:\n${optionsHelp(command.options)}`);
      const bad = await run(command.name, '--no-such-flag');
      expect(bad, command.name).toMatchObject({ code: 2, err: `mellm ${command.name}: unknown option --no-such-flag\nUsage: ${command.usage}` });
    }
  });
});
