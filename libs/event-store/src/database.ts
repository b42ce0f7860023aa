import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Pool, PoolClient, PoolConfig } from 'pg';

/**
 * A PostgreSQL connection pool, on a real server or on embedded PGlite.
 *
 * PGlite is reached through its socket server, so every query goes through
 * the same `pg` driver, type parsers and SQL as on a real server. PGlite is a
 * single session underneath; the pool is held to one connection there so that
 * two transactions can never interleave their messages.
 */
export interface Database {
  readonly kind: 'postgres' | 'pglite';
  readonly pool: Pool;
  /** Connection string that reaches the same database (for migrations, psql). */
  readonly connectionString: string;
  /** Schema that holds the tables; `public` unless isolated for tests. */
  readonly schema: string;
  /** `application_name` of its sessions: operators (and the fault tests) find them by it in pg_stat_activity. */
  readonly applicationName: string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres:// URL of a real server; absent for embedded PGlite. */
  url?: string;
  /** PGlite data directory, or `memory://` for a throw-away database. */
  dataDir?: string;
  /** Tables live in this schema (created when missing). */
  schema?: string;
  /** Connections in the pool on a real server. */
  poolSize?: number;
  applicationName?: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const schema = options.schema ?? 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`invalid schema name "${schema}": use lower-case letters, digits and _`);
  }
  if (options.url) {
    return openPostgres(options.url, schema, options);
  }
  return openPglite(options.dataDir ?? './data', schema, options);
}

const DEFAULT_APPLICATION_NAME = 'negotiation-timeline';

async function openPostgres(url: string, schema: string, options: DatabaseOptions): Promise<Database> {
  const applicationName = options.applicationName ?? DEFAULT_APPLICATION_NAME;
  const pool = createPool({
    connectionString: url,
    max: options.poolSize ?? 10,
    application_name: applicationName,
    options: `-c search_path=${schema}`,
  });
  await ensureSchema(pool, schema);
  return {
    kind: 'postgres',
    pool,
    connectionString: url,
    schema,
    applicationName,
    close: () => pool.end(),
  };
}

const PGLITE_CONF = ['shared_buffers = 16MB'];

/**
 * A new data directory is made by initdb, which grows PGlite's WebAssembly memory by about
 * 100 MB that is never given back. Run in a child process, that memory ends with it, and the
 * service opens a directory that is ready (measured by bench/suites/startup.mjs).
 */
function initialiseInChildProcess(dataDir: string): void {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  const script = `const { PGlite } = require(${JSON.stringify(require.resolve('@electric-sql/pglite'))});
    PGlite.create(process.argv[1], { postgresqlconf: ${JSON.stringify(PGLITE_CONF)} }).then((db) => db.close()).catch((error) => { console.error(error); process.exit(1); });`;
  execFileSync(process.execPath, ['-e', script, dataDir], { stdio: ['ignore', 'ignore', 'inherit'] });
}

async function openPglite(dataDir: string, schema: string, options: DatabaseOptions): Promise<Database> {
  // Both packages are ESM-only in their typings; their CommonJS builds load fine at run time.
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  if (dataDir !== 'memory://') {
    mkdirSync(dataDir, { recursive: true });
    initialiseInChildProcess(dataDir);
  }
  // PostgreSQL's default 128 MB of shared buffers is sized for a server; the embedded store of one
  // workstation holds a data set of megabytes, and WebAssembly memory, once grown, is never returned.
  const db = await PGlite.create(dataDir === 'memory://' ? undefined : dataDir, { postgresqlconf: PGLITE_CONF });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 4 });
  await server.start();
  const [host, port] = server.getServerConn().split(':');
  const connectionString = `postgres://postgres@${host}:${port}/postgres`;
  const applicationName = options.applicationName ?? DEFAULT_APPLICATION_NAME;
  const pool = createPool({ connectionString, max: 1, application_name: applicationName });
  // PGlite is one session for every socket connection, so the path is set once.
  await db.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema}`);
  return {
    kind: 'pglite',
    pool,
    connectionString,
    schema,
    applicationName,
    close: async () => {
      await pool.end();
      await server.stop();
      await db.close();
    },
  };
}

function createPool(config: PoolConfig): Pool {
  const pool = new Pool(config);
  // An idle client that loses its connection must not crash the process;
  // the pool replaces it on the next checkout.
  pool.on('error', () => undefined);
  // Nor may a checked-out one: a session ended by the server (pg_terminate_backend, a
  // restart) between two queries of a transaction emits 'error' on the client itself.
  // The next query on it fails and the work is retried; on release the pool drops it.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

async function ensureSchema(pool: Pool, schema: string): Promise<void> {
  await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
}

/** Runs `work` in one transaction on one connection, rolling back on any error. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
