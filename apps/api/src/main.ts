import 'reflect-metadata';
import { InvalidConfiguration, loadConfig } from '@timeline/config';
import { serve } from './serve';

serve(loadConfig()).catch((error: unknown) => {
  console.error(error instanceof InvalidConfiguration ? error.message : error);
  process.exit(1);
});
