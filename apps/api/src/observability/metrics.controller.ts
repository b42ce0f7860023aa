import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { RUNTIME } from '../runtime/tokens';
import type { Runtime } from '../runtime/runtime';

/** Prometheus' text exposition of this process's metrics. */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    return this.runtime.metrics.registry.metrics();
  }
}
