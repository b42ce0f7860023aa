import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../support/processes';

/**
 * The fault suite's own Kafka broker, on ports of its own and with its own data
 * (jars shared with the suite's broker), so that killing it disturbs no one else.
 * FAULTS_KAFKA_PORT / FAULTS_KAFKA_CONTROLLER_PORT move it.
 */
export class FaultsBroker {
  readonly port = process.env.FAULTS_KAFKA_PORT ?? '9692';
  readonly controllerPort = process.env.FAULTS_KAFKA_CONTROLLER_PORT ?? String(Number(this.port) + 1);
  readonly address = `127.0.0.1:${this.port}`;

  start(): void {
    this.run('start');
  }

  /** SIGKILL: no controlled shutdown, as in a crash. */
  kill(): void {
    this.run('kill');
  }

  stop(): void {
    this.run('stop');
  }

  private run(command: string): void {
    execFileSync('bash', [join(ROOT, 'scripts/kafka/kafka.sh'), command], {
      stdio: 'inherit',
      env: {
        ...process.env,
        KAFKA_PORT: this.port,
        KAFKA_CONTROLLER_PORT: this.controllerPort,
        KAFKA_STATE_DIR: join(ROOT, '.cache/kafka-faults'),
      },
    });
  }
}
