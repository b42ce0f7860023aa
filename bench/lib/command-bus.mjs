// The service of a built checkout in this process, up to its command bus: what the in-process
// write benchmarks drive. Every module, Nest's included, comes from the checkout's own build
// and node_modules, so A/B runs can load two checkouts side by side.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { domainCommand } from './workload.mjs';

/**
 * Starts the runtime and the Nest app of the checkout at `checkout` with `env` (LOG_LEVEL silent and
 * no data set unless `env` says otherwise) and returns them, the command bus, and `execute(write, id)`,
 * which sends a benchmark write (lib/workload.mjs) as the bus command its HTTP request would send.
 */
export async function serviceWithCommandBus(checkout, env) {
  const root = resolve(checkout);
  const requireThere = createRequire(join(root, 'package.json'));
  const built = (path) => requireThere(join(root, 'dist', path));
  const { loadConfig } = built('libs/config/src/index.js');
  const { createRuntime } = built('libs/runtime/src/index.js');
  const { createApp } = built('apps/api/src/app.js');
  const { RecordCommitmentCommand } = built('apps/api/src/commitments/record/record-commitment.js');
  const { RecordDisbursementCommand } = built('apps/api/src/commitments/disburse/record-disbursement.js');
  const { AmendCommitmentCommand } = built('apps/api/src/commitments/amend/amend-commitment.js');
  const { CommandBus } = requireThere('@nestjs/cqrs');
  const BUS_COMMANDS = { record: RecordCommitmentCommand, disburse: RecordDisbursementCommand, amend: AmendCommitmentCommand };

  const runtime = await createRuntime(loadConfig({ LOG_LEVEL: 'silent', TIMELINE_SEED: 'none', ...env }));
  const app = await createApp(runtime);
  await app.init();
  const bus = app.get(CommandBus);
  const execute = (write, id) => {
    const meta = { actor: 'bench', correlationId: uuidv7() };
    return bus.execute(new BUS_COMMANDS[write.step](domainCommand(write, id), write.fact, meta));
  };
  return { runtime, app, bus, execute };
}
