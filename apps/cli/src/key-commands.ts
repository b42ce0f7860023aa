import type { Command } from 'commander';
import Table from 'cli-table3';
import { userInfo } from 'node:os';
import { loadConfig } from '@timeline/config';
import { migrate, openDatabase } from '@timeline/event-store';
import { ApiKeyStore, KEY_ROLES, KeyRole, ownerProblem } from '@timeline/keys';

/**
 * `timeline keys`: API keys, straight in the database (DATABASE_URL, or the
 * embedded store in DATA_DIR; stop a server that holds the embedded store
 * first, or use the admin API, POST /v1/keys).
 */
export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('make, list and revoke API keys (roles: reader, editor, admin)');

  keys
    .command('create')
    .description('make a key; the key is printed once, on standard output, and stored only as a hash')
    .requiredOption('--owner <owner>', 'who the key belongs to; recorded as the actor of every event written with it')
    .requiredOption('--role <role>', `one of ${KEY_ROLES.join(', ')}`)
    .option('--json', 'print the key and its record as JSON')
    .action(async (options: { owner: string; role: string; json?: boolean }) => {
      const problems = [
        ownerProblem(options.owner) && `--owner ${ownerProblem(options.owner)}`,
        !(KEY_ROLES as readonly string[]).includes(options.role) && `--role must be one of ${KEY_ROLES.join(', ')}`,
      ].filter(Boolean);
      if (problems.length > 0) throw new Error(problems.join('; '));
      await withKeyStore(async (store) => {
        const created = await store.create({
          owner: options.owner,
          role: options.role as KeyRole,
          createdBy: `cli:${userInfo().username}`,
        });
        if (options.json) {
          console.log(JSON.stringify(created, null, 2));
          return;
        }
        console.error(`made key ${created.id} for ${created.owner} (${created.role}); it is shown this once:`);
        console.log(created.key);
      });
    });

  keys
    .command('list')
    .description('every key, revoked ones too; never a secret')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withKeyStore(async (store) => {
        const records = await store.list();
        if (options.json) {
          console.log(JSON.stringify(records, null, 2));
          return;
        }
        const table = new Table({
          head: ['id', 'owner', 'role', 'created', 'by', 'revoked', 'last used'],
          ...(process.stdout.isTTY ? {} : { style: { head: [], border: [] } }),
        });
        for (const key of records) {
          table.push([key.id, key.owner, key.role, key.createdAt, key.createdBy, key.revokedAt ?? '', key.lastUsedAt ?? '']);
        }
        console.log(records.length ? table.toString() : 'no keys');
      });
    });

  keys
    .command('revoke <id>')
    .description('revoke a key: it stops working at once')
    .action(async (id: string) => {
      await withKeyStore(async (store) => {
        const revoked = await store.revoke(id, `cli:${userInfo().username}`);
        if (!revoked) throw new Error(`there is no key ${id} (see timeline keys list)`);
        console.log(`revoked key ${revoked.id} of ${revoked.owner} (${revoked.role}) at ${revoked.revokedAt}`);
      });
    });
}

async function withKeyStore(work: (store: ApiKeyStore) => Promise<void>): Promise<void> {
  const config = loadConfig();
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema });
  try {
    await migrate(db);
    await work(new ApiKeyStore(db.pool));
  } finally {
    await db.close();
  }
}
