import { type Command, InvalidArgumentError } from 'commander';
import type { OpenedStore } from '../../store/index.js';
import { SCOPES, type Scope } from '../../store/types.js';
import { nonEmpty, positiveInt } from '../options.js';
import type { CliCommand, CliContext } from '../types.js';

export const STORE_OPTION_HELP =
  'the store: a SQLite file or a postgres:// URL (default: $CLINOTE_STORE, else clinote.db in the data folder, see docs/security.md)';

export async function write(ctx: CliContext, text: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    ctx.io.stdout.write(text, (e) => (e ? reject(e) : resolve()));
  });
}

/** Opens the store named by `--store`, else `$CLINOTE_STORE`, else the default path; always closes it. */
export async function withStore<T>(
  ctx: CliContext,
  url: string | undefined,
  fn: (store: OpenedStore) => Promise<T>,
): Promise<T> {
  const { openStore } = await import('../../store/index.js');
  const env = ctx.io.env ?? process.env;
  const given = url ?? env.CLINOTE_STORE;
  const store = await openStore({ ...(given ? { url: given } : {}), env });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Commander parser for `--scopes extract,admin`. */
export function scopesOption(value: string): Scope[] {
  const scopes = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (scopes.length === 0) throw new InvalidArgumentError(`expected one or more of ${SCOPES.join(',')}.`);
  for (const s of scopes)
    if (!(SCOPES as readonly string[]).includes(s))
      throw new InvalidArgumentError(`unknown scope (the scopes are ${SCOPES.join(', ')}).`);
  return SCOPES.filter((s) => scopes.includes(s));
}

/** Rows as aligned columns, the last one unpadded. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return `${rows.map((r) => r.map((cell, i) => (i < r.length - 1 ? cell.padEnd(widths[i]!) : cell)).join('  ')).join('\n')}\n`;
}

interface CreateCli {
  readonly tenant: string;
  readonly scopes: Scope[];
  readonly rateLimit?: number;
  readonly label?: string;
  readonly store?: string;
  readonly json?: boolean;
}

/** `clinote keys create|list|revoke`: the API keys of `clinote serve` (docs/security.md). */
export const keysCommand: CliCommand = {
  name: 'keys',
  register(program: Command, ctx: CliContext) {
    const keys = program.command('keys').description('create, list and revoke API keys (docs/security.md)');
    keys
      .command('create')
      .description('create an API key; its secret is printed once, on stdout, and never stored')
      .requiredOption('--tenant <tenant>', 'the tenant the key belongs to', nonEmpty)
      .requiredOption('--scopes <scopes>', `comma-separated scopes: ${SCOPES.join(',')}`, scopesOption)
      .option('--rate-limit <n>', 'requests per minute (default: the server default)', positiveInt)
      .option('--label <label>', 'a label for people ("intake portal")')
      .option('--store <url>', STORE_OPTION_HELP)
      .option('--json', 'print the key and its secret as JSON')
      .action(async (o: CreateCli) => {
        const created = await withStore(ctx, o.store, async (store) => {
          const result = await store.keys.create({
            tenant: o.tenant,
            scopes: o.scopes,
            ...(o.rateLimit !== undefined ? { rateLimitPerMinute: o.rateLimit } : {}),
            ...(o.label !== undefined ? { label: o.label } : {}),
          });
          return { ...result, location: store.location };
        });
        if (o.json)
          await write(ctx, `${JSON.stringify({ key: created.key, secret: created.secret }, null, 2)}\n`);
        else await write(ctx, `${created.secret}\n`);
        ctx.log(
          `key ${created.key.id} created for tenant ${created.key.tenant} (scopes ${created.key.scopes.join(',')}) in ${created.location}; its secret is shown once: keep it now`,
        );
        ctx.exitCode = 0;
      });
    keys
      .command('list')
      .description('list the keys (never their secrets)')
      .option('--tenant <tenant>', 'only this tenant', nonEmpty)
      .option('--store <url>', STORE_OPTION_HELP)
      .option('--json', 'print the list as JSON')
      .action(async (o: { tenant?: string; store?: string; json?: boolean }) => {
        const list = await withStore(ctx, o.store, (store) => store.keys.list(o.tenant));
        if (o.json) await write(ctx, `${JSON.stringify(list, null, 2)}\n`);
        else if (list.length === 0) ctx.log(o.tenant !== undefined ? 'no key for this tenant' : 'no key');
        else
          await write(
            ctx,
            table([
              ['id', 'tenant', 'scopes', 'created', 'revoked', 'rate/min', 'label'],
              ...list.map((k) => [
                k.id,
                k.tenant,
                k.scopes.join(','),
                k.createdAt,
                k.revokedAt ?? '-',
                k.rateLimitPerMinute !== undefined ? String(k.rateLimitPerMinute) : 'default',
                k.label ?? '',
              ]),
            ]),
          );
        ctx.exitCode = 0;
      });
    keys
      .command('revoke')
      .description('revoke a key (a running server refuses it within its key cache time, 30 s)')
      .argument('<id>', 'the key id (`clinote keys list`; the <id> of cln_<id>_...)')
      .option('--store <url>', STORE_OPTION_HELP)
      .action(async (id: string, o: { store?: string }) => {
        const found = await withStore(ctx, o.store, (store) => store.keys.revoke(id));
        if (!found) {
          const { ClinoteError } = await import('../../errors/error.js');
          const shown = /^[\w-]{1,64}$/.test(id) ? id : '(not an id)';
          throw new ClinoteError('CLINOTE_E_STORE_KEY_NOT_FOUND', `no key has the id ${shown}`);
        }
        await write(ctx, `revoked ${id}\n`);
        ctx.exitCode = 0;
      });
  },
};
