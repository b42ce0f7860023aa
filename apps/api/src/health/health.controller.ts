import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import type { Response } from 'express';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { RequiresAccess } from '../auth/access';
import { RUNTIME } from '../runtime/tokens';
import type { Runtime } from '@timeline/runtime';

const CHECK_TIMEOUT_MS = 2_000;

/** A check that does not answer in time is down: readiness itself must answer quickly. */
function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

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

  /**
   * The process can do its work: it is not shutting down, PostgreSQL and Kafka
   * answer, the relay publishes, and the read models are at most
   * READY_MAX_PROJECTOR_LAG records behind the log, and no partition with
   * records waiting has made no progress for READY_MAX_PROJECTOR_STALL_MS. Dead letters do not make it
   * unready (the projector went on past them); they are reported here.
   */
  @Get('ready')
  @HealthCheck()
  async ready(@Res({ passthrough: true }) response: Response) {
    try {
      return await this.readiness();
    } catch (error) {
      // 503 with every check's details (not a bare problem document): what is down, and why.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      response.status(503);
      return error.getResponse();
    }
  }

  private readiness() {
    return this.health.check([
      () => this.lifecycle(),
      () => this.database(),
      () => this.kafka(),
      () => this.relay(),
      () => this.projector(),
      () => this.deadLetters(),
    ]);
  }

  private lifecycle() {
    const check = this.indicators.check('process');
    return this.runtime.shuttingDown ? check.down({ message: 'shutting down' }) : check.up();
  }

  private async database() {
    const check = this.indicators.check('database');
    try {
      await withTimeout(this.runtime.db.pool.query('SELECT 1'), 'PostgreSQL');
      return check.up({ kind: this.runtime.db.kind });
    } catch (error) {
      return check.down({ kind: this.runtime.db.kind, message: (error as Error).message });
    }
  }

  private async kafka() {
    const check = this.indicators.check('kafka');
    if (!this.runtime.config.kafka) return check.up({ kind: 'none: the log is the events table' });
    try {
      await withTimeout(this.runtime.pingKafka(), 'Kafka');
      return check.up({ brokers: this.runtime.config.kafka.brokers });
    } catch (error) {
      return check.down({ brokers: this.runtime.config.kafka.brokers, message: (error as Error).message });
    }
  }

  private async relay() {
    const check = this.indicators.check('log');
    const relay = this.runtime.relay;
    if (!this.runtime.config.kafka) return check.up({ kind: 'table' });
    try {
      const unpublished = await withTimeout(this.runtime.relayLag(), 'PostgreSQL');
      if (!relay) return check.up({ kind: 'kafka', relay: 'not in this process', unpublished });
      const status = relay.getStatus();
      const details = { kind: 'kafka', leader: status.leader, checkpoint: status.checkpoint, unpublished };
      return status.lastError ? check.down({ ...details, message: status.lastError }) : check.up(details);
    } catch (error) {
      return check.down({ kind: 'kafka', message: (error as Error).message });
    }
  }

  private async projector() {
    const check = this.indicators.check('projector');
    const threshold = this.runtime.config.readyMaxProjectorLag;
    const maxStallMs = this.runtime.config.readyMaxProjectorStallMs;
    const group = this.runtime.projectorGroup;
    try {
      const partitions = await withTimeout(this.runtime.projectorStaleness(), 'the projector lag');
      const lag = partitions.reduce((sum, partition) => sum + partition.lag, 0);
      const details = {
        lag,
        maxLag: threshold,
        maxStallMs,
        ...(group ? { group } : {}),
        partitions: Object.fromEntries(partitions.map((p) => [p.partition, p.lag])),
        lagAgeSeconds: Object.fromEntries(partitions.map((p) => [p.partition, Math.round(p.oldestUnprojectedAgeMs / 100) / 10])),
      };
      const stalled = partitions.filter((partition) => partition.stalled);
      if (stalled.length > 0) {
        const where = group ? `of consumer group ${group} ` : '';
        const message = stalled
          .map(
            (p) =>
              `partition ${p.partition} ${where}has ${p.lag} records not projected and no progress for ${Math.round(p.stalledForMs / 1000)} s`,
          )
          .join('; ');
        return check.down({ ...details, stalledPartitions: stalled.map((p) => p.partition), message });
      }
      return lag > threshold ? check.down({ ...details, message: `read models are ${lag} records behind the log` }) : check.up(details);
    } catch (error) {
      return check.down({ maxLag: threshold, maxStallMs, message: (error as Error).message });
    }
  }

  private async deadLetters() {
    const check = this.indicators.check('deadLetters');
    try {
      const { rows } = await withTimeout(
        this.runtime.db.pool.query<{ count: string; last_reason: string | null; last_at: Date | null; dead_letter_topic: string | null }>(
          `SELECT count(*)::text AS count,
                  (array_agg(reason ORDER BY recorded_at DESC))[1] AS last_reason,
                  max(recorded_at) AS last_at,
                  (array_agg(dead_letter_topic ORDER BY recorded_at DESC))[1] AS dead_letter_topic
             FROM dead_letters`,
        ),
        'PostgreSQL',
      );
      const count = Number(rows[0].count);
      if (count === 0) return check.up({ count });
      return check.up({
        count,
        warning: `${count} poison record(s) were put on ${rows[0].dead_letter_topic}; see docs/operations.md`,
        lastReason: rows[0].last_reason,
        lastAt: rows[0].last_at?.toISOString(),
      });
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }
}
