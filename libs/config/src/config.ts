/**
 * Configuration from the environment, validated once at start-up. Every
 * problem is collected and reported together, naming the variable.
 */
export type Role = 'api' | 'relay' | 'projector';
export const ROLES: readonly Role[] = ['api', 'relay', 'projector'];

export interface KafkaConfig {
  readonly brokers: string[];
  readonly topic: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly clientId: string;
  /** Consumer group of the projectors: several processes in one group share the partitions. */
  readonly projectorGroup: string;
  /** Where the projector puts records it cannot read (poison records), with the reason. */
  readonly deadLetterTopic: string;
  /** A projector that stops heartbeating loses its partitions to the others after this long. */
  readonly sessionTimeoutMs: number;
}

export interface AppConfig {
  readonly port: number;
  readonly host: string;
  /** Absent: embedded PGlite in `dataDir`. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  /** Schema holding the tables (`public`); read models go in schemas named after it. */
  readonly databaseSchema: string;
  /** `application_name` of this process's database sessions, as pg_stat_activity shows them. */
  readonly databaseApplicationName: string;
  /** Absent: the log is the events table, read by position. */
  readonly kafka?: KafkaConfig;
  readonly roles: ReadonlySet<Role>;
  readonly bootstrapAdminKey?: string;
  /** GET requests without a key are answered (as the reader `anonymous`). Writes always need a key. */
  readonly anonymousReads: boolean;
  /** Events of recently written streams kept to decide the next command without reading them back (0: off). */
  readonly writeCacheEvents: number;
  /** Requests per window per key (or per address without a key); absent: no rate limit. */
  readonly rateLimit?: { readonly limit: number; readonly windowSeconds: number };
  /** Origins allowed to call the API from a browser; empty: no CORS headers at all. */
  readonly corsOrigins: readonly string[];
  /** Data set loaded into an empty store at start; `none` loads nothing. */
  readonly seed: string;
  readonly bodyLimit: string;
  /** Server-Sent Events: comment lines this often keep proxies from closing idle streams. */
  readonly sseHeartbeatMs: number;
  /** Events queued for a subscriber that does not read, before it is cut off with a resume position. */
  readonly sseMaxQueuedEvents: number;
  readonly logLevel: string;
  /** Readiness fails when the projector is further behind the log than this many events. */
  readonly readyMaxProjectorLag: number;
  /** Readiness fails when a partition has had unprojected records, and no progress, for this long. */
  readonly readyMaxProjectorStallMs: number;
  /** On SIGTERM: the longest wait for in-flight requests, the relay and the projector to finish. */
  readonly shutdownTimeoutMs: number;
  /** Processes without the api role serve GET /metrics and /health/live on this port when it is set. */
  readonly metricsPort?: number;
  /** Where clients reach the service (no trailing slash); records' `ce_dataschema` points under it. Absent: a URN. */
  readonly publicBaseUrl?: string;
}

export class InvalidConfiguration extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'InvalidConfiguration';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const BROKER = /^[A-Za-z0-9.\-_]+:\d{1,5}$/;
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;
const BODY_LIMIT = /^\d+(b|kb|mb)$/i;
const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;

export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const text = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const integer = (name: string, fallback: number, min: number, max: number) => {
    const value = text(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      problems.push(`${name}="${value}" must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return parsed;
  };

  const flag = (name: string) => {
    const value = text(name)?.toLowerCase();
    if (value === undefined || value === 'false' || value === '0') return false;
    if (value === 'true' || value === '1') return true;
    problems.push(`${name}="${env[name]}" must be true or false`);
    return false;
  };

  const databaseUrl = text('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\/.+/.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL (leave it unset for embedded PGlite)');
  }

  let kafka: KafkaConfig | undefined;
  const brokers = text('KAFKA_BROKERS');
  if (brokers !== undefined) {
    const list = brokers
      .split(',')
      .map((broker) => broker.trim())
      .filter(Boolean);
    const bad = list.filter((broker) => !BROKER.test(broker));
    if (list.length === 0 || bad.length > 0) {
      problems.push(`KAFKA_BROKERS must be a comma-separated list of host:port (bad: ${bad.join(', ') || 'empty'})`);
    }
    const topic = text('KAFKA_TOPIC') ?? 'timeline.events';
    if (!TOPIC.test(topic)) problems.push(`KAFKA_TOPIC="${topic}" may hold only letters, digits, '.', '_' and '-'`);
    kafka = {
      brokers: list,
      topic,
      partitions: integer('KAFKA_PARTITIONS', 3, 1, 1000),
      replicationFactor: integer('KAFKA_REPLICATION_FACTOR', 1, 1, 10),
      clientId: text('KAFKA_CLIENT_ID') ?? 'negotiation-timeline',
      // Derived from the topic: deployments that differ by topic never share a group.
      projectorGroup: text('KAFKA_PROJECTOR_GROUP') ?? `${topic}.projector`,
      deadLetterTopic: text('KAFKA_DLQ_TOPIC') ?? `${topic}.dlq`,
      sessionTimeoutMs: integer('KAFKA_SESSION_TIMEOUT_MS', 30_000, 6_000, 300_000),
    };
    if (!TOPIC.test(kafka.deadLetterTopic))
      problems.push(`KAFKA_DLQ_TOPIC="${kafka.deadLetterTopic}" may hold only letters, digits, '.', '_' and '-'`);
    if (kafka.deadLetterTopic === topic) problems.push('KAFKA_DLQ_TOPIC must differ from KAFKA_TOPIC');
  } else if (text('KAFKA_TOPIC') !== undefined || text('KAFKA_DLQ_TOPIC') !== undefined) {
    problems.push('KAFKA_TOPIC or KAFKA_DLQ_TOPIC is set but KAFKA_BROKERS is not: set both, or neither for the embedded log');
  }

  const roles = new Set<Role>();
  for (const role of (text('TIMELINE_ROLES') ?? ROLES.join(',')).split(',').map((r) => r.trim())) {
    if ((ROLES as readonly string[]).includes(role)) roles.add(role as Role);
    else problems.push(`TIMELINE_ROLES: unknown role "${role}" (known: ${ROLES.join(', ')})`);
  }

  const bootstrapAdminKey = text('TIMELINE_BOOTSTRAP_ADMIN_KEY');
  if (bootstrapAdminKey !== undefined && bootstrapAdminKey.length < 16) {
    problems.push('TIMELINE_BOOTSTRAP_ADMIN_KEY must be at least 16 characters long');
  }

  const anonymousReads = flag('TIMELINE_ANONYMOUS_READS');

  const rateLimitPerWindow = integer('TIMELINE_RATE_LIMIT', 1000, 0, 1_000_000);
  const rateLimitWindowSeconds = integer('TIMELINE_RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400);

  const corsOrigins = (text('TIMELINE_CORS_ORIGINS') ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of corsOrigins) {
    if (origin !== '*' && !ORIGIN.test(origin)) {
      problems.push(
        `TIMELINE_CORS_ORIGINS: "${origin}" must be an origin like https://example.org or http://localhost:5173 (no path), or *`,
      );
    }
  }

  const bodyLimit = text('BODY_LIMIT') ?? '256kb';
  if (!BODY_LIMIT.test(bodyLimit)) problems.push(`BODY_LIMIT="${bodyLimit}" must look like 256kb or 1mb`);

  const databaseSchema = text('DATABASE_SCHEMA') ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(databaseSchema)) {
    problems.push(`DATABASE_SCHEMA="${databaseSchema}" must be lower-case letters, digits and _ (at most 41)`);
  }

  const seed = text('TIMELINE_SEED') ?? 'belarus-russia-2018-2021';
  if (!/^[a-z0-9][a-z0-9-]{0,60}$/.test(seed)) problems.push(`TIMELINE_SEED="${seed}" must be a data set name or none`);

  const logLevel = text('LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL="${logLevel}" must be one of ${LOG_LEVELS.join(', ')}`);

  const databaseApplicationName = text('DATABASE_APPLICATION_NAME') ?? 'negotiation-timeline';
  if (!/^[\x20-\x7e]{1,50}$/.test(databaseApplicationName)) {
    problems.push('DATABASE_APPLICATION_NAME must be 1 to 50 printable ASCII characters');
  }

  let publicBaseUrl = text('TIMELINE_PUBLIC_BASE_URL');
  if (publicBaseUrl !== undefined) {
    publicBaseUrl = publicBaseUrl.replace(/\/+$/, '');
    let parsed: URL | undefined;
    try {
      parsed = new URL(publicBaseUrl);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.search || parsed.hash || parsed.username || parsed.password) {
      problems.push(
        `TIMELINE_PUBLIC_BASE_URL="${env.TIMELINE_PUBLIC_BASE_URL}" must be an absolute http(s) URL like https://timeline.example.org (a path is allowed; no query, fragment or credentials)`,
      );
    }
  }

  const config: AppConfig = {
    port: integer('PORT', 3000, 0, 65535),
    host: text('HOST') ?? '0.0.0.0',
    databaseUrl,
    dataDir: text('DATA_DIR') ?? './data',
    databaseSchema,
    databaseApplicationName,
    kafka,
    roles,
    bootstrapAdminKey,
    anonymousReads,
    rateLimit: rateLimitPerWindow > 0 ? { limit: rateLimitPerWindow, windowSeconds: rateLimitWindowSeconds } : undefined,
    corsOrigins,
    seed,
    bodyLimit,
    writeCacheEvents: integer('TIMELINE_WRITE_CACHE_EVENTS', 20_000, 0, 10_000_000),
    sseHeartbeatMs: integer('SSE_HEARTBEAT_MS', 15_000, 100, 3_600_000),
    sseMaxQueuedEvents: integer('SSE_MAX_QUEUED_EVENTS', 1_000, 200, 1_000_000),
    logLevel,
    readyMaxProjectorLag: integer('READY_MAX_PROJECTOR_LAG', 10_000, 0, 1_000_000_000),
    readyMaxProjectorStallMs: integer('READY_MAX_PROJECTOR_STALL_MS', 30_000, 500, 86_400_000),
    shutdownTimeoutMs: integer('SHUTDOWN_TIMEOUT_MS', 25_000, 1_000, 600_000),
    metricsPort: text('METRICS_PORT') === undefined ? undefined : integer('METRICS_PORT', 0, 0, 65535),
    publicBaseUrl,
  };
  if (problems.length > 0) throw new InvalidConfiguration(problems);
  return config;
}
