import { Command, CommanderError } from 'commander';
import { EXIT, isHookgateError } from '../fixtures/hookgate-error.js';
import type { Io } from './io.js';
import { registerEvents } from './events-command.js';
import { registerSend } from './send-command.js';
import { registerCheck } from './check-command.js';
import { registerReplay } from './replay-command.js';
import { registerServe } from './serve-command.js';
import { TOOL_VERSION } from './version.js';

/** What a command's action returns: its exit code. */
export type CommandResult = Promise<number>;

/**
 * Parses argv, runs one command and returns the exit code. Errors a user can cause
 * print `error:`/`hint:` lines; anything else is a bug and prints its stack only with --debug.
 */
export async function runCli(argv: string[], io: Io): Promise<number> {
  const debug = argv.includes('--debug');
  let code: number = EXIT.ok;
  const program = new Command('hookgate')
    .description('Webhook conformance and load-testing harness for OptiPick, Dimmy and OmniSales receivers')
    .version(TOOL_VERSION, '-V, --version')
    .option('--debug', 'print stack traces for unexpected errors')
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride();
  const setCode = (c: number) => {
    code = c;
  };
  registerEvents(program, io, setCode);
  registerSend(program, io, setCode);
  registerCheck(program, io, setCode);
  registerReplay(program, io, setCode);
  registerServe(program, io, setCode);
  for (const cmd of program.commands) cmd.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err }).showSuggestionAfterError(true);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through here too, with exit code 0.
      if (e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT.ok;
      if (e.code === 'commander.help') return EXIT.ok;
      io.err(`hint: run \`hookgate ${argv.find((a) => !a.startsWith('-')) ?? ''} --help\` for the options\n`.replace('  ', ' '));
      return EXIT.usage;
    }
    return reportError(e, io, debug);
  }
}

export function reportError(e: unknown, io: Io, debug: boolean): number {
  if (isHookgateError(e)) {
    io.err(`error: ${e.message}\nhint: ${e.hint}\n`);
    if (debug && e.stack) io.err(e.stack + '\n');
    return e.exitCode;
  }
  const err = e as Error;
  io.err(`error: unexpected failure: ${err?.message ?? String(e)}\n`);
  if (debug) io.err((err?.stack ?? '') + '\n');
  else io.err('hint: this is a hookgate bug; run again with --debug and report the stack trace\n');
  return EXIT.usage;
}
