import { Command, CommanderError } from 'commander';
import { EXIT, isHookgateError } from '../fixtures/hookgate-error.js';
import type { Io } from './io.js';
import { registerEvents } from './events-command.js';
import { registerSend } from './send-command.js';
import { registerCheck } from './check-command.js';
import { registerReplay } from './replay-command.js';
import { registerServe } from './serve-command.js';
import { registerLoad } from './load-command.js';
import { registerMerge } from './merge-command.js';
import { TOOL_VERSION } from './version.js';
import { nearest } from '../fixtures/nearest.js';
import { echo } from '../fixtures/echo.js';

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
  registerLoad(program, io, setCode);
  registerMerge(program, io, setCode);
  // Commander's own error text is re-worded below into one error line and one hint line;
  // remember which command complained so the hint can point at its --help.
  let failed: Command = program;
  const remember = (cmd: Command) => () => void (failed = cmd);
  program.configureOutput({ outputError: remember(program) });
  for (const cmd of program.commands) cmd.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err, outputError: remember(cmd) }).showSuggestionAfterError(true);

  // Bare `hookgate` is a usage error: the help goes to stderr.
  if (argv.every((a) => a === '--debug')) {
    program.outputHelp({ error: true });
    return EXIT.usage;
  }
  // The program's own flags take no value, so the first other word names the command (`help X` names X).
  const words = argv.filter((a) => !a.startsWith('-'));
  const named = words[0] === 'help' ? words[1] : words[0];
  if (named !== undefined && !program.commands.some((c) => c.name() === named)) {
    const names = program.commands.map((c) => c.name());
    const near = nearest(named, names);
    io.err(`error: unknown command '${echo(named)}'\n`);
    io.err(`hint: ${near ? `did you mean \`hookgate ${near}\`? (\`hookgate --help\` lists the commands)` : `the commands are ${names.join(', ')}; \`hookgate --help\` describes them`}\n`);
    return EXIT.usage;
  }

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help, --version and `help` end through here too, with exit code 0; help shown for a usage error is not 0.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT.ok;
      if (e.code === 'commander.help') return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
      if (e.exitCode === 0) return EXIT.ok;
      reportUsageError(e.message, failed, io);
      return EXIT.usage;
    }
    return reportError(e, io, debug);
  }
}

/** Commander's message as `error:` plus one `hint:` line that carries its "did you mean" (if any) and where the usage is. */
function reportUsageError(message: string, cmd: Command, io: Io): void {
  const [first, ...rest] = message.split('\n');
  const suggestion = /\(Did you mean (.+)\?\)/.exec(rest.join(' '))?.[1];
  const help = `\`hookgate ${cmd.parent ? cmd.name() + ' ' : ''}--help\``;
  // Commander quotes what was typed ('--a-megabyte-long-option'): repeat it cut to a readable length.
  const line = readable(first.replace(/'([^']{81,})'/g, (_, typed: string) => `'${echo(typed)}'`));
  io.err(`${line.startsWith('error: ') ? line : 'error: ' + line}\n`);
  io.err(`hint: ${suggestion ? `did you mean ${suggestion}? (${help} lists the options)` : `${help} shows the usage and every option`}\n`);
}

/** Longest line an error or hint prints: the last guard against a pasted megabyte echoed back whole. */
const LINE_MAX_CHARS = 1000;

function readable(text: string): string {
  return text
    .split('\n')
    .map((l) => (l.length > LINE_MAX_CHARS ? `${l.slice(0, LINE_MAX_CHARS)}… (${l.length} characters)` : l))
    .join('\n');
}

export function reportError(e: unknown, io: Io, debug: boolean): number {
  if (isHookgateError(e)) {
    io.err(`error: ${readable(e.message)}\nhint: ${readable(e.hint)}\n`);
    if (debug && e.stack) io.err(e.stack + '\n');
    return e.exitCode;
  }
  const err = e as Error;
  io.err(`error: unexpected failure: ${readable(err?.message ?? String(e))}\n`);
  if (debug) io.err((err?.stack ?? '') + '\n');
  else io.err('hint: this is a hookgate bug; run again with --debug and report the stack trace\n');
  return EXIT.usage;
}
