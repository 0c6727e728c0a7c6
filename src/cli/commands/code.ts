/**
 * `clinote code FILE...`: ICD-10-CM codes of each note as a readable table (sequence, code, score,
 * principal-diagnosis candidate, title, evidence text, rule ids), then the review items. `--json`
 * prints the `codes` layer of each note instead. The pipeline is resources/pipelines/coding.json
 * unless `-p` names another (it must have the `coding` component). See docs/coding.md.
 */
import { Option } from 'commander';
import type { CliCommand } from '../types.js';

interface CodeCliOptions {
  readonly pipeline?: string;
  readonly pack?: string;
  readonly setting?: 'inpatient' | 'outpatient';
  readonly ranker?: boolean;
  readonly json?: boolean;
}

/** Cut a cell to `n` characters (an ellipsis marks the cut). */
function cell(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length <= n ? one.padEnd(n) : `${one.slice(0, n - 1)}…`;
}

export interface CodeRow {
  readonly code: string;
  readonly title: string;
  readonly score: number;
  readonly status: string;
  readonly reason?: string;
  readonly principal: boolean;
  readonly sequence: number;
  readonly evidence: {
    readonly spans: readonly { readonly text: string }[];
    readonly rules: readonly string[];
  };
}

/** The table of one note's codes. */
export function renderCodeTable(name: string, codes: readonly CodeRow[], fiscalYear?: number): string {
  const suggested = codes.filter((k) => k.status === 'suggested');
  const review = codes.filter((k) => k.status !== 'suggested');
  const lines = [
    `${name}: ${suggested.length} code${suggested.length === 1 ? '' : 's'}${review.length > 0 ? `, ${review.length} to review` : ''}${fiscalYear ? ` (ICD-10-CM FY${fiscalYear})` : ''}`,
  ];
  if (suggested.length > 0) {
    lines.push(
      `  ${'#'.padStart(2)}  ${cell('code', 9)} ${cell('score', 5)} P ${cell('title', 44)} ${cell('evidence', 30)} rules`,
    );
  }
  for (const k of suggested) {
    const ev = [...new Set(k.evidence.spans.map((s) => s.text))].join(' | ');
    lines.push(
      `  ${String(k.sequence).padStart(2)}  ${cell(k.code, 9)} ${k.score.toFixed(2).padEnd(5)} ${k.principal ? '*' : ' '} ${cell(k.title, 44)} ${cell(`"${ev}"`, 30)} ${k.evidence.rules.join(',')}`,
    );
  }
  for (const k of review) {
    const ev = [...new Set(k.evidence.spans.map((s) => s.text))].join(' | ');
    lines.push(
      `  review (${k.reason ?? 'review'}): ${k.code} ${k.title} "${ev}" ${k.evidence.rules.join(',')}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export const codeCommand: CliCommand = {
  name: 'code',
  register(program, ctx) {
    program
      .command('code')
      .description(
        'suggest ICD-10-CM codes for notes, with evidence and guideline rules (see docs/coding.md)',
      )
      .argument('<files...>', 'note files (.txt)')
      .option('-p, --pipeline <config>', 'pipeline config JSON (default: resources/pipelines/coding.json)')
      .option(
        '--pack <pack>',
        'terminology pack for the concepts component (default: $CLINOTE_PACK, else the starter pack)',
      )
      .addOption(
        new Option(
          '--setting <setting>',
          'care setting for uncertain diagnoses (default: outpatient)',
        ).choices(['inpatient', 'outpatient']),
      )
      .option(
        '--ranker',
        'score the codes with the learned ranker (resources/models/code-ranker, trained on CodiEsp): calibrated scores, its threshold',
      )
      .option('--json', 'print the codes layer of each note as JSON lines ({id, codes})')
      .action(async (files: string[], options: CodeCliOptions) => {
        const { readFile } = await import('node:fs/promises');
        const { basename } = await import('node:path');
        const { applyPack, loadPipeline, readConfigFile } = await import('../../engine.js');
        const { resourcePath } = await import('../../resources.js');
        const { ClinoteError } = await import('../../errors/error.js');
        let config = readConfigFile(options.pipeline ?? resourcePath('pipelines/coding.json')) as {
          components?: { name: string; options?: Record<string, unknown> }[];
        };
        const pack = options.pack ?? (ctx.io.env ?? process.env).CLINOTE_PACK;
        if (pack !== undefined && pack !== '') config = applyPack(config, pack).config as typeof config;
        if (!config.components?.some((c) => c.name === 'coding'))
          throw new ClinoteError('CLINOTE_E_CLI_USAGE', 'the pipeline has no `coding` component', {});
        const extra = {
          ...(options.setting ? { setting: options.setting } : {}),
          ...(options.ranker ? { ranker: true } : {}),
        };
        if (Object.keys(extra).length > 0)
          config = {
            ...config,
            components: config.components.map((c) =>
              c.name === 'coding' ? { ...c, options: { ...(c.options ?? {}), ...extra } } : c,
            ),
          };
        const pipeline = await loadPipeline({ config });
        let failed = 0;
        for (const file of files) {
          let text: string;
          try {
            text = await readFile(file, 'utf8');
          } catch (e) {
            throw new ClinoteError(
              'CLINOTE_E_INPUT_UNREADABLE',
              `cannot read ${file}`,
              { file },
              { cause: e },
            );
          }
          const id = basename(file).replace(/\.[^.]+$/, '');
          const out = await pipeline.process({ id, text });
          let chunk: string;
          if (!out.ok) {
            failed++;
            ctx.log(`${file}: ${out.error.code}`);
            continue;
          }
          const codes = out.doc.maybe('codes') ?? [];
          if (options.json) chunk = `${JSON.stringify({ id, codes })}\n`;
          else chunk = renderCodeTable(file, codes, codes[0]?.fiscalYear);
          await new Promise<void>((resolve, reject) => {
            ctx.io.stdout.write(chunk, (e) => (e ? reject(e) : resolve()));
          });
        }
        ctx.exitCode = failed > 0 ? 1 : 0;
      });
  },
};
