import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RebuildProgress, RebuildResult } from '@timeline/projections';
import type { RebuildMessage, RebuildRequest } from './rebuild-worker';

/**
 * Old-generation heap of the rebuild's thread, in MB. What a rebuild keeps
 * alive does not grow with the log: while loading, one batch of records (a
 * `--batch-size` read of the events table, or at most 12 MB fetched from the
 * topic) and its stream_events rows; while deriving, a page of events, the
 * page read ahead, the stream being derived and a chunk of COPY text per
 * table (bulk/bulk-load.ts; without COPY, on PGlite, a page's rows too). The
 * heap snapshots and numbers are in bench/RESULTS.md ("The rebuild's heap").
 * Left to itself V8 lets the heap grow far beyond the live set before
 * collecting (694 MB of RSS at a million events); capped, it collects sooner
 * and the process stays well under 512 MB.
 */
export const REBUILD_HEAP_MB = 256;

/**
 * Runs a rebuild in a worker thread whose heap is capped at REBUILD_HEAP_MB
 * (a thread, not a child process: the cap is set when the thread starts, and
 * the process's CPU time and peak RSS still count everything).
 */
export function rebuildInWorker(request: RebuildRequest, onProgress: (progress: RebuildProgress) => void): Promise<RebuildResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'rebuild-worker.js'), {
      workerData: request,
      resourceLimits: { maxOldGenerationSizeMb: REBUILD_HEAP_MB },
    });
    let result: RebuildResult | undefined;
    worker.on('message', (message: RebuildMessage) => {
      if ('progress' in message) onProgress(message.progress);
      else result = message.result;
    });
    worker.on('error', (error: Error & { code?: string }) =>
      reject(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new Error(`the rebuild needed more than its ${REBUILD_HEAP_MB} MB of heap (a stream far longer than a page?): ${error.message}`)
          : error,
      ),
    );
    worker.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`the rebuild's thread stopped (exit code ${code}) before it finished`)),
    );
  });
}
