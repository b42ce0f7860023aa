import { once } from 'node:events';
import { Readable, Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { BulkTable, CopyField } from './stream-rows';

/**
 * Writes rows with `COPY … FROM STDIN` (text format), in the caller's
 * transaction. PostgreSQL parses plain text lines instead of array
 * parameters, and the driver sends them as they are made, in chunks, instead
 * of escaping every value into one array literal held whole in memory.
 */
export async function copyRows(client: PoolClient, quotedSchema: string, table: BulkTable, rows: readonly unknown[][]): Promise<void> {
  const fields = table.copy;
  if (!fields) throw new Error(`table ${table.name} has no COPY layout`);
  const columns = table.columns.replace(/\s+/g, ' ');
  await pipeline(
    Readable.from(copyChunks(rows, fields), { objectMode: false }),
    client.query(copyFrom(`COPY ${quotedSchema}.${table.name} (${columns}) FROM STDIN`)),
  );
}

/**
 * One table's `COPY … FROM STDIN`, in a transaction of its own (synchronous
 * commit off), fed rows while they are made: a chunk of COPY text goes to the
 * connection as soon as it is full, and `add` waits while the connection has
 * more in flight than it takes (the socket's backpressure). Memory holds one
 * chunk, whatever the number of rows. The connection is taken from the pool at
 * the first full chunk, so a table that gets no rows costs no statement.
 * `end` sends the rest and commits; `abort` gives the connection up without
 * committing.
 */
export class CopyWriter {
  private readonly fields: readonly CopyField[];
  private chunk = '';
  private opened?: Promise<{ client: PoolClient; stream: Writable }>;
  private failure?: Error;

  constructor(
    private readonly pool: Pool,
    private readonly quotedSchema: string,
    private readonly table: BulkTable,
  ) {
    if (!table.copy) throw new Error(`table ${table.name} has no COPY layout`);
    this.fields = table.copy;
  }

  /** Adds rows; resolves at once unless a chunk went to a connection that is still busy with earlier ones. */
  async add(rows: readonly unknown[][]): Promise<void> {
    for (const row of rows) this.chunk += copyLine(row, this.fields);
    if (this.chunk.length >= CHUNK_CHARS) await this.flush();
  }

  /** Sends what is left, ends the COPY and commits. */
  async end(): Promise<void> {
    if (this.chunk) await this.flush();
    if (!this.opened) return;
    const { client, stream } = await this.opened;
    try {
      stream.end();
      await finished(stream);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
      this.opened = undefined;
      throw error;
    }
    client.release();
    this.opened = undefined;
  }

  /** Gives up: the connection is closed, not returned to the pool, so its transaction ends without a commit. */
  async abort(): Promise<void> {
    const opened = this.opened?.catch(() => undefined);
    this.opened = undefined;
    const connection = await opened;
    if (!connection) return;
    connection.stream.destroy();
    connection.client.release(new Error('COPY abandoned'));
  }

  private async flush(): Promise<void> {
    this.opened ??= this.open();
    const { stream } = await this.opened;
    if (this.failure) throw this.failure;
    const chunk = this.chunk;
    this.chunk = '';
    if (!stream.write(chunk)) await once(stream, 'drain');
  }

  private async open(): Promise<{ client: PoolClient; stream: Writable }> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL synchronous_commit = off');
      const columns = this.table.columns.replace(/\s+/g, ' ');
      const stream = client.query(copyFrom(`COPY ${this.quotedSchema}.${this.table.name} (${columns}) FROM STDIN`));
      // Kept until the next flush or the end, which throw it; without a listener it would end the process.
      stream.on('error', (error: Error) => (this.failure ??= error));
      return { client, stream };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
      throw error;
    }
  }
}

/** About this many characters per chunk written to the connection. */
const CHUNK_CHARS = 1 << 18;

function* copyChunks(rows: readonly unknown[][], fields: readonly CopyField[]): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    chunk += copyLine(row, fields);
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** One row in COPY's text format: tab-separated fields, `\N` for null, ending with a newline. */
export function copyLine(row: readonly unknown[], fields: readonly CopyField[]): string {
  let line = '';
  for (let index = 0; index < fields.length; index++) {
    const field = fields[index];
    if (index > 0) line += '\t';
    line += typeof field === 'number' ? copyValue(row[field]) : copyText(rangeLiteral(row[field[0]], row[field[1]]));
  }
  return `${line}\n`;
}

/** A value as the `pg` driver would send it as a parameter, escaped for COPY; null and undefined are `\N`. */
function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string') return copyText(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return copyText(JSON.stringify(value));
}

/** `tstzrange(lower, upper, '[)')` as a literal; a null bound is unbounded. */
function rangeLiteral(lower: unknown, upper: unknown): string {
  const bound = (value: unknown) =>
    value === null || value === undefined
      ? ''
      : `"${(value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : JSON.stringify(value)).replace(/(["\\])/g, '\\$1')}"`;
  return `[${bound(lower)},${bound(upper)})`;
}

const COPY_SPECIAL = /[\\\t\n\r]/;

/** Backslash, tab, newline and carriage return are the characters COPY's text format escapes. */
function copyText(text: string): string {
  if (!COPY_SPECIAL.test(text)) return text;
  return text.replace(/[\\\t\n\r]/g, (character) => COPY_ESCAPES[character]);
}

const COPY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
