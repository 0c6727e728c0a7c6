import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import type { CliCommand, CliContext } from '../types.js';

interface VocabBuildCli {
  readonly out: string;
  readonly name?: string;
  readonly icd10cm?: string;
  readonly icd10cmIndex?: string[];
  readonly obo?: string[];
  readonly rxterms?: string;
  readonly rxnormRrf?: string;
  readonly loinc?: string;
  readonly hcpcs?: string;
  readonly umls?: string;
  readonly csv?: string[];
  readonly csvSource?: string;
  readonly abbreviations?: string | boolean;
  readonly genericHeads?: boolean;
  readonly starter?: boolean;
  readonly shared?: boolean;
  readonly json?: boolean;
}

/**
 * The files of a repeatable option, with globs expanded (`*`, `?` in the file name): the shell
 * expands `--csv starter/*.tsv` into several values, and a quoted glob (or a shell that does not
 * expand) is expanded here, in name order. A glob that matches nothing is kept as written, so
 * the build reports it as a file that cannot be read.
 */
export function expandFiles(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    const name = basename(v);
    if (!/[*?]/.test(name) || existsSync(v)) {
      out.push(v);
      continue;
    }
    const dir = dirname(v);
    const re = new RegExp(
      `^${name
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    );
    let matches: string[] = [];
    try {
      matches = readdirSync(dir)
        .filter((f) => !f.startsWith('.') && re.test(f))
        .sort();
    } catch {
      // the directory cannot be read: the build reports the path
    }
    if (matches.length === 0) out.push(v);
    else for (const f of matches) out.push(dir === '.' && !v.startsWith('./') ? f : join(dir, f));
  }
  return out;
}

async function write(ctx: CliContext, text: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    ctx.io.stdout.write(text, (e) => (e ? reject(e) : resolve()));
  });
}

/** `clinote vocab build|info`: terminology packs (docs/terminology.md). */
export const vocabCommand: CliCommand = {
  name: 'vocab',
  register(program: Command, ctx: CliContext) {
    const vocab = program
      .command('vocab')
      .description('build and inspect terminology packs (docs/terminology.md)');
    vocab
      .command('build')
      .description('compile a terminology pack from official vocabularies and dictionaries')
      .requiredOption('--out <pack>', 'the pack file to write')
      .option('--name <name>', 'pack name (default: the file name)')
      .option('--icd10cm <file>', 'ICD-10-CM order file (CMS fixed width or CSV)')
      .option(
        '--icd10cm-index <files...>',
        'ICD-10-CM index XML (index, drug table, neoplasm table; several files or globs)',
      )
      .option('--obo <files...>', 'OBO ontologies, .obo or .obo.gz (DOID, HPO; several files or globs)')
      .option('--rxterms <file>', 'RxTerms file (ingredients or main)')
      .option('--rxnorm-rrf <path>', 'RxNorm RXNCONSO.RRF or its directory')
      .option('--loinc <file>', 'LOINC CSV (full table or Top 2000)')
      .option('--hcpcs <file>', 'HCPCS Level II file')
      .option('--umls <dir>', 'UMLS META directory with MRCONSO.RRF and MRSTY.RRF (your licensed copy)')
      .option('--csv <files...>', 'custom dictionaries, CSV/TSV (several files or globs)')
      .option('--csv-source <name>', 'source name and id prefix of the --csv dictionaries (default custom)')
      .option('--abbreviations <file>', 'abbreviation list TSV (default: the built-in list)')
      .option('--no-abbreviations', 'no abbreviation list')
      .option('--no-generic-heads', 'no code-less generic findings for pathology head words')
      .option('--no-starter', 'leave out the built-in starter dictionaries (included by default)')
      .option('--shared', 'add the official vocabularies found under the shared data dir (the full pack)')
      .option('--json', 'print the manifest as JSON')
      .action(async (o: VocabBuildCli) => {
        const t = await import('../../terminology/cli.js');
        let base: Partial<Parameters<typeof t.vocabBuild>[0]> = {};
        if (o.shared) {
          const full = t.fullPackOptions(o.out);
          for (const m of full.missing) ctx.log(`shared vocabulary not found, left out: ${m}`);
          base = full.options;
        }
        const pick = <K extends keyof VocabBuildCli>(k: K) => (o[k] !== undefined ? { [k]: o[k] } : {});
        const result = await t.vocabBuild({
          ...base,
          ...pick('icd10cm'),
          ...(o.icd10cmIndex !== undefined ? { icd10cmIndex: expandFiles(o.icd10cmIndex) } : {}),
          ...(o.obo !== undefined ? { obo: expandFiles(o.obo) } : {}),
          ...pick('rxterms'),
          ...pick('rxnormRrf'),
          ...pick('loinc'),
          ...pick('hcpcs'),
          ...pick('umls'),
          ...(o.csv !== undefined ? { csv: [...(base.csv ?? []), ...expandFiles(o.csv)] } : {}),
          ...pick('csvSource'),
          ...(typeof o.abbreviations === 'string' || o.abbreviations === false
            ? { abbreviations: o.abbreviations }
            : {}),
          ...(o.genericHeads === false ? { genericHeads: false } : {}),
          ...(o.starter === false ? { starter: false } : {}),
          ...pick('name'),
          out: o.out,
          log: (line: string) => ctx.log(line),
        } as Parameters<typeof t.vocabBuild>[0]);
        await write(
          ctx,
          o.json ? `${JSON.stringify(result.manifest, null, 2)}\n` : `${result.lines.join('\n')}\n`,
        );
        ctx.exitCode = 0;
      });
    vocab
      .command('info')
      .description('show a pack manifest: sources, versions, licences, counts; checks its content hash')
      .argument('<pack>', 'the pack file')
      .option('--json', 'print the manifest as JSON')
      .action(async (path: string, o: { json?: boolean }) => {
        const { vocabInfo } = await import('../../terminology/cli.js');
        const info = vocabInfo(path);
        await write(
          ctx,
          o.json ? `${JSON.stringify(info.manifest, null, 2)}\n` : `${info.lines.join('\n')}\n`,
        );
        ctx.exitCode = 0;
      });
  },
};
