#!/usr/bin/env node
import 'reflect-metadata';
import { Command } from 'commander';
import { InvalidConfiguration, loadConfig } from '@timeline/config';
import { SingleBar, Presets } from 'cli-progress';
import { migrate, openDatabase } from '@timeline/event-store';
import { rebuildReadModels } from '@timeline/projections';
import { InvalidSeed } from '@timeline/seeds';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../api/src/app.module';
import { createRuntime } from '../../api/src/runtime/runtime';
import { SeedLoader } from '../../api/src/seeds/seed-loader';
import { exitAfterShutdown, serve } from '../../api/src/serve';
import { registerClientCommands } from './client-commands';
import { registerDeadLetterCommands } from './dead-letters';

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
    exitAfterShutdown();
  });

program
  .command('migrate')
  .description('bring the database schema up to date (DATABASE_URL, or the embedded store in DATA_DIR)')
  .action(async () => {
    const config = loadConfig();
    const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema, applicationName: config.databaseApplicationName });
    try {
      const { applied } = await migrate(db, (line) => console.log(line));
      console.log(applied.length ? `applied ${applied.length} migration(s)` : 'schema is up to date');
    } finally {
      await db.close();
    }
  });

program
  .command('rebuild')
  .description('rebuild every read model from the log into fresh tables, then switch to them at once')
  .option('--batch-size <n>', 'events per transaction', '2000')
  .action(async (options: { batchSize: string }) => {
    const config = loadConfig();
    const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema, applicationName: config.databaseApplicationName });
    const bar = new SingleBar(
      {
        format: 'rebuild |{bar}| {percentage}% | {value}/{total} events | {rate} events/s | ETA {eta_formatted} | {phase}',
        hideCursor: true,
        etaBuffer: 20,
        // Off a terminal (CI, a log file) the bar is written as a line every few seconds.
        noTTYOutput: true,
        notTTYSchedule: 2000,
      },
      Presets.shades_classic,
    );
    const started = Date.now();
    try {
      await migrate(db);
      bar.start(1, 0, { rate: 0, phase: 'replaying' });
      const result = await rebuildReadModels(db, {
        batchSize: Number(options.batchSize),
        onProgress: ({ done, total, phase }) => {
          const seconds = Math.max((Date.now() - started) / 1000, 0.001);
          bar.setTotal(Math.max(total, 1));
          bar.update(done, { rate: Math.round(done / seconds), phase });
        },
      });
      bar.stop();
      console.log(
        `rebuilt ${result.events} events into generation ${result.generation}` +
          `${result.previous ? ` (was ${result.previous})` : ''} in ${result.seconds.toFixed(1)} s` +
          ` (${Math.round(result.events / Math.max(result.seconds, 0.001))} events/s)`,
      );
    } finally {
      bar.stop();
      await db.close();
    }
  });

program
  .command('seed <name>')
  .description('load a data set from seeds/ through the command bus; loading twice adds nothing')
  .action(async (name: string) => {
    const config = loadConfig({ ...process.env, TIMELINE_ROLES: 'relay' });
    const runtime = await createRuntime(config);
    const context = await NestFactory.createApplicationContext(AppModule.forRuntime(runtime), { logger: false });
    const bar = new SingleBar({ format: 'seed |{bar}| {value}/{total} entries', noTTYOutput: true, notTTYSchedule: 2000 }, Presets.shades_classic);
    try {
      const loader = context.get(SeedLoader);
      const set = loader.read(name);
      bar.start(set.entries.length, 0);
      const report = await loader.load(set, (done) => bar.update(done));
      bar.stop();
      console.log(`${report.dataset}: ${report.entries} entries, ${report.applied} recorded, ${report.unchanged} already there`);
    } finally {
      bar.stop();
      await context.close();
      await runtime.close();
    }
  });

registerClientCommands(program);
registerDeadLetterCommands(program);

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof InvalidConfiguration || error instanceof InvalidSeed ? error.message : `timeline: ${(error as Error).message ?? error}`);
  process.exit(1);
});
