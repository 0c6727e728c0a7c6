import type { CliCommand } from '../types.js';

export const componentsCommand: CliCommand = {
  name: 'components',
  register(program, ctx) {
    program
      .command('components')
      .description('list the registered components: name, version, requires, assigns')
      .option('--json', 'print the list as JSON')
      .action(async (options: { json?: boolean }) => {
        const { defaultRegistry } = await import('../../components/index.js');
        const list = defaultRegistry()
          .list()
          .map((f) => ({
            name: f.name,
            version: f.version,
            description: f.description,
            requires: [...f.requires],
            assigns: [...f.assigns],
          }));
        let text: string;
        if (options.json) text = `${JSON.stringify(list, null, 2)}\n`;
        else {
          const rows = [
            ['name', 'version', 'requires', 'assigns', 'description'],
            ...list.map((c) => [
              c.name,
              c.version,
              c.requires.join(',') || '-',
              c.assigns.join(',') || '-',
              c.description,
            ]),
          ];
          const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
          text = rows
            .map((r) => r.map((cell, i) => (i < r.length - 1 ? cell.padEnd(widths[i]!) : cell)).join('  '))
            .join('\n');
          text += '\n';
        }
        await new Promise<void>((resolve, reject) => {
          ctx.io.stdout.write(text, (e) => (e ? reject(e) : resolve()));
        });
      });
  },
};
