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
    'The HTTP status is what a REST server returns when the error ends a request; warnings never end one (200).',
    'The exit codes of the command line are in docs/cli.md.',
    '',
    '| code | severity | HTTP | meaning | what to do |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const e of ERROR_CATALOGUE) {
    lines.push(`| \`${e.code}\` | ${e.severity} | ${e.httpStatus} | ${esc(e.meaning)} | ${esc(e.remedy)} |`);
  }
  return `${lines.join('\n')}\n`;
}
