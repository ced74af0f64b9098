import type { Command } from 'commander';
import type { Io } from './io.js';
import { EVENTS_OPTIONS } from './option-specs.js';
import { requireProvider, resolveFor } from './context.js';
import { EXIT } from '../fixtures/hookgate-error.js';

export function registerEvents(program: Command, io: Io, setCode: (c: number) => void): void {
  program
    .command('events')
    .description("list a provider's event catalog")
    .option('--provider <name>', 'optipick | dimmy | omnisales')
    .option('--json', 'print the catalog as JSON')
    .addHelpText('after', '\nExample:\n  $ hookgate events --provider optipick\n')
    .action(async (flags: Record<string, unknown>) => {
      const o = resolveFor<{ provider?: string; json: boolean }>(EVENTS_OPTIONS, flags, io);
      const profile = requireProvider(o.provider);
      if (o.json) {
        const list = profile.events.map((e) => ({ name: e.name, description: e.description, template: e.template, example: e.example }));
        io.out(JSON.stringify(list, null, 2) + '\n');
      } else {
        io.out(`${profile.displayName}: ${profile.events.length} event types\n`);
        const width = Math.max(...profile.events.map((e) => e.name.length));
        for (const e of profile.events) {
          io.out(`  ${e.name.padEnd(width)}  ${e.description}${e.template ? ` (e.g. ${e.example})` : ''}\n`);
        }
      }
      setCode(EXIT.ok);
    });
}
