import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { RequiresAccess } from '../auth/access';
import { RUNTIME } from '../runtime/tokens';
import type { Runtime } from '../runtime/runtime';

@ApiTags('health')
@RequiresAccess('public')
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  /** The process answers. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** The process can do its work: the database answers and, with Kafka, the relay keeps up. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.database(), () => this.relay()]);
  }

  private async database() {
    const check = this.indicators.check('database');
    try {
      await this.runtime.db.pool.query('SELECT 1');
      return check.up({ kind: this.runtime.db.kind });
    } catch (error) {
      return check.down({ kind: this.runtime.db.kind, message: (error as Error).message });
    }
  }

  private async relay() {
    const check = this.indicators.check('log');
    const relay = this.runtime.relay;
    if (!this.runtime.config.kafka) return check.up({ kind: 'table' });
    if (!relay) return check.up({ kind: 'kafka', relay: 'not in this process' });
    const status = relay.getStatus();
    const head = await this.runtime.store.headPosition();
    const details = { kind: 'kafka', leader: status.leader, checkpoint: status.checkpoint, head };
    return status.lastError ? check.down({ ...details, message: status.lastError }) : check.up(details);
  }
}
