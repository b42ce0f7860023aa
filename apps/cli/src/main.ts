#!/usr/bin/env node
import 'reflect-metadata';
import { Command } from 'commander';
import { InvalidConfiguration, loadConfig } from '@timeline/config';
import { migrate, openDatabase } from '@timeline/event-store';
import type { RebuildProgress } from '@timeline/projections';
import { registerClientCommands } from './client-commands';
import { progressBar, registerGenerateCommand } from './generate/generate-command';
import { registerKeyCommands } from './key-commands';
import { registerDeadLetterCommands } from './dead-letters';
import { rebuildInWorker } from './rebuild/rebuild-in-worker';
import { endAs, runApiEntry } from './api-process';

const program = new Command()
  .name('timeline')
  .description('negotiation-timeline: record, replay and audit a negotiation between states')
  .showHelpAfterError();

program
  .command('serve')
  .description('run the service (roles from TIMELINE_ROLES; api, relay and projector by default)')
  .option('-p, --port <port>', 'HTTP port (overrides PORT)')
  .option('--anonymous-reads', 'answer GET requests without a key (sets TIMELINE_ANONYMOUS_READS=true; writes still need one)')
  .action(async (options: { port?: string; anonymousReads?: boolean }) => {
    const env = {
      ...process.env,
      ...(options.port ? { PORT: options.port } : {}),
      ...(options.anonymousReads ? { TIMELINE_ANONYMOUS_READS: 'true' } : {}),
    };
    // Settings are checked here too, so a bad one is named before a process starts.
    loadConfig(env);
    endAs(await runApiEntry('serve', [], env));
  });

program
  .command('migrate')
  .description('bring the database schema up to date (DATABASE_URL, or the embedded store in DATA_DIR)')
  .action(async () => {
    const config = loadConfig();
    const db = await openDatabase({
      url: config.databaseUrl,
      dataDir: config.dataDir,
      schema: config.databaseSchema,
      applicationName: config.databaseApplicationName,
    });
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
  .option(
    '--from <log>',
    'what to replay: "table" (the events table) or "topic" (the Kafka topic, from its beginning; needs KAFKA_BROKERS)',
    'table',
  )
  .option('--batch-size <n>', 'events per read from the events table', '10000')
  .action(async (options: { from: string; batchSize: string }) => {
    if (options.from !== 'table' && options.from !== 'topic') throw new Error(`--from must be "table" or "topic", not "${options.from}"`);
    const config = loadConfig();
    if (options.from === 'topic' && !config.kafka)
      throw new Error('--from topic needs KAFKA_BROKERS: without Kafka the log is the events table (--from table)');
    const bar = progressBar('rebuild', 'events', '| {phase}');
    const started = Date.now();
    let phase = '';
    let phaseStarted = started;
    const phaseSeconds: string[] = [];
    try {
      bar.start(1, 0, { rate: 0, phase: 'loading' });
      const onProgress = (progress: RebuildProgress) => {
        if (progress.phase !== phase) {
          if (phase) phaseSeconds.push(`${phase} ${((Date.now() - phaseStarted) / 1000).toFixed(1)} s`);
          phase = progress.phase;
          phaseStarted = Date.now();
        }
        const seconds = Math.max((Date.now() - phaseStarted) / 1000, 0.001);
        bar.setTotal(Math.max(progress.total, 1));
        bar.update(progress.done, { rate: Math.round(progress.done / seconds), phase });
      };
      const result = await rebuildInWorker({ from: options.from, batchSize: Number(options.batchSize) }, onProgress);
      bar.stop();
      console.log(
        `rebuilt ${result.events} events from the ${options.from} into generation ${result.generation}` +
          `${result.previous ? ` (was ${result.previous})` : ''} in ${result.seconds.toFixed(1)} s` +
          ` (${Math.round(result.events / Math.max(result.seconds, 0.001))} events/s)`,
      );
      const usage = process.resourceUsage();
      const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
      console.log(`phases: ${phaseSeconds.join(', ')}; cpu ${cpuSeconds.toFixed(1)} s; peak RSS ${Math.round(usage.maxRSS / 1024)} MB`);
    } finally {
      bar.stop();
    }
  });

program
  .command('seed <name>')
  .description('load a data set from seeds/ through the command bus; loading twice adds nothing')
  .action(async (name: string) => {
    loadConfig();
    const bar = progressBar('seed', 'entries');
    let started = false;
    let report = '';
    try {
      const ended = await runApiEntry('seed', [name], process.env, (message) => {
        const progress = message as { done?: number; total?: number; report?: string };
        if (progress.report !== undefined) report = progress.report;
        if (progress.done === undefined || progress.total === undefined) return;
        if (!started) bar.start(progress.total, progress.done);
        started = true;
        bar.update(progress.done);
      });
      bar.stop();
      if (report) console.log(report);
      if (ended.code !== 0) endAs(ended);
    } finally {
      bar.stop();
    }
  });

registerGenerateCommand(program);
registerClientCommands(program);
registerKeyCommands(program);
registerDeadLetterCommands(program);

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof InvalidConfiguration ? error.message : `timeline: ${(error as Error).message ?? error}`);
  process.exit(1);
});
