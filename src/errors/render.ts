import { ERROR_CATALOGUE } from './catalogue.js';

/** docs/errors.md, generated from the catalogue (`npm run docs:errors`). */
export function renderErrorsMarkdown(): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    '# Error codes',
    '',
    '<!-- Generated from src/errors/ by `npm run docs:errors`; a test fails when this file is stale. -->',
    '',
    'Every error Clinote reports carries one of these stable codes. Tests assert codes, never messages.',
    '`CLINOTE_E_*` codes are errors: the unit of work (a note, a file, a command) failed.',
    '`CLINOTE_W_*` codes are warnings (flags on a result): the note was processed.',
    'The exit code applies when the error ends a command; per-note errors end a batch with exit 1 (see docs/cli.md).',
    '',
    '| code | severity | exit | meaning | what to do |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const e of ERROR_CATALOGUE) {
    lines.push(
      `| \`${e.code}\` | ${e.severity} | ${e.severity === 'error' ? (e.exitCode ?? 1) : '-'} | ${esc(e.meaning)} | ${esc(e.remedy)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
