#!/usr/bin/env node
import 'reflect-metadata';
import { Command } from 'commander';
import { InvalidConfiguration, loadConfig } from '@timeline/config';
import { migrate, openDatabase } from '@timeline/event-store';
import { serve } from '../../api/src/serve';

const program = new Command()
  .name('timeline')
  .description('negotiation-timeline: record, replay and audit a negotiation between states')
  .showHelpAfterError();

program
  .command('serve')
  .description('run the service (roles from TIMELINE_ROLES; api, relay and projector by default)')
  .option('-p, --port <port>', 'HTTP port (overrides PORT)')
  .action(async (options: { port?: string }) => {
    await serve(loadConfig({ ...process.env, ...(options.port ? { PORT: options.port } : {}) }));
  });

program
  .command('migrate')
  .description('bring the database schema up to date (DATABASE_URL, or the embedded store in DATA_DIR)')
  .action(async () => {
    const config = loadConfig();
    const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
    try {
      const { applied } = await migrate(db, (line) => console.log(line));
      console.log(applied.length ? `applied ${applied.length} migration(s)` : 'schema is up to date');
    } finally {
      await db.close();
    }
  });

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof InvalidConfiguration ? error.message : `timeline: ${(error as Error).message ?? error}`);
  process.exit(1);
});
