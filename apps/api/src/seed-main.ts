import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { InvalidConfiguration, loadConfig } from '@timeline/config';
import { createRuntime } from '@timeline/runtime';
import { InvalidSeed } from '@timeline/seeds';
import { AppModule } from './app.module';
import { SeedLoader } from './seeds/seed-loader';

/**
 * The api app's second entry: loads one data set from seeds/ through the
 * command bus, as the service does into an empty store, then exits.
 *
 *   node dist/apps/api/src/seed-main.js <name>
 *
 * `timeline seed <name>` starts it as a child process. Progress goes to the
 * parent as `{ done, total }` messages and the report as `{ report }` when
 * there is one (the CLI draws its bar from them and prints the report under
 * it); run on its own, the report is printed on stdout.
 */
async function seed(name: string | undefined): Promise<void> {
  if (!name) throw new Error('usage: node seed-main.js <name>, where <name> is a folder of seeds/');
  const config = loadConfig({ ...process.env, TIMELINE_ROLES: 'relay' });
  const runtime = await createRuntime(config);
  const context = await NestFactory.createApplicationContext(AppModule.forRuntime(runtime), { logger: false });
  try {
    const loader = context.get(SeedLoader);
    const set = loader.read(name);
    process.send?.({ done: 0, total: set.entries.length });
    const report = await loader.load(set, (done, total) => process.send?.({ done, total }));
    const line = `${report.dataset}: ${report.entries} entries, ${report.applied} recorded, ${report.unchanged} already there`;
    // The process exits right after: the report is sent before that, not only queued.
    if (process.send) await new Promise<void>((sent) => process.send!({ report: line }, undefined, {}, () => sent()));
    else console.log(line);
  } finally {
    await context.close();
    await runtime.close();
  }
}

seed(process.argv[2]).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(
      error instanceof InvalidConfiguration || error instanceof InvalidSeed
        ? error.message
        : `timeline: ${(error as Error).message ?? error}`,
    );
    process.exit(1);
  },
);
