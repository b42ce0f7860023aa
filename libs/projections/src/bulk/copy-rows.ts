import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
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
