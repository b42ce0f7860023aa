import { parentPort, workerData } from 'node:worker_threads';
import { loadConfig } from '@timeline/config';
import { migrate, openDatabase } from '@timeline/event-store';
import { createKafka } from '@timeline/log';
import { rebuildFromTopic, rebuildReadModels, RebuildProgress, RebuildResult } from '@timeline/projections';

/** What `timeline rebuild` asks its worker thread to do. */
export interface RebuildRequest {
  readonly from: 'table' | 'topic';
  readonly batchSize: number;
}

/** What the worker tells the command: progress as it goes, then the result. */
export type RebuildMessage = { readonly progress: RebuildProgress } | { readonly result: RebuildResult };

async function run(request: RebuildRequest): Promise<void> {
  const config = loadConfig();
  const db = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    schema: config.databaseSchema,
    applicationName: config.databaseApplicationName,
  });
  const post = (message: RebuildMessage) => parentPort!.postMessage(message);
  try {
    await migrate(db);
    const onProgress = (progress: RebuildProgress) => post({ progress });
    const result =
      request.from === 'topic'
        ? await rebuildFromTopic(db, createKafka(config.kafka!), { topic: config.kafka!.topic, onProgress })
        : await rebuildReadModels(db, { batchSize: request.batchSize, onProgress });
    post({ result });
  } finally {
    await db.close();
  }
}

// A failure is unhandled here on purpose: it ends the thread and reaches the command as the worker's 'error' event.
void run(workerData as RebuildRequest);
