import 'reflect-metadata';
import { InvalidConfiguration, loadConfig } from '@timeline/config';
import { exitAfterShutdown, serve } from './serve';

serve(loadConfig()).then(exitAfterShutdown, (error: unknown) => {
  console.error(error instanceof InvalidConfiguration ? error.message : error);
  process.exit(1);
});
