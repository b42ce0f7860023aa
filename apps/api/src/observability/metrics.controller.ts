import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { RequiresAccess } from '../auth/access';
import { RUNTIME } from '../runtime/tokens';
import type { Runtime } from '@timeline/runtime';

/** Prometheus' text exposition of this process's metrics: open, like the health checks, and never rate-limited. */
@ApiTags('health')
@RequiresAccess('public')
@SkipThrottle()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Get()
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text format 0.0.4: appends, relay lag, projector lag per partition, subscribers, dead letters, HTTP durations',
  })
  @Header('Cache-Control', 'no-store')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    return this.runtime.metrics.registry.metrics();
  }
}
