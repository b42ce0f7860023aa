import { StreamableFile } from '@nestjs/common';
import { stringify } from 'csv-stringify/sync';
import type { Request } from 'express';
import { Readable } from 'node:stream';

/**
 * Exports of the list endpoints: `Accept: text/csv` or `application/x-ndjson`
 * gets the rows streamed, one line each, from an iterator that reads the
 * store page by page, so memory stays flat however long the export.
 */
export type ExportFormat = 'csv' | 'ndjson';

export interface Column<Row> {
  readonly name: string;
  readonly value: (row: Row) => unknown;
}

/**
 * The columns of an event's source, the same in every export: the passage verbatim (`quote`)
 * and in other words (`paraphrase`) in columns of their own, never one for the other, and the
 * publication date with its precision as written (`2021-09`, `2021-09-09/2021-09-16`) and
 * whether it is an estimate.
 */
export function sourceColumns<Row>(source: (row: Row) => unknown): Column<Row>[] {
  const field = (name: string) => (row: Row) => (source(row) as Record<string, unknown> | undefined)?.[name];
  return [
    { name: 'sourceTitle', value: field('title') },
    { name: 'sourcePublisher', value: field('publisher') },
    { name: 'sourceUrl', value: field('url') },
    { name: 'sourcePublishedAt', value: field('publishedAt') },
    { name: 'sourcePublishedAtEstimated', value: field('publishedAtEstimated') },
    { name: 'quote', value: field('quote') },
    { name: 'paraphrase', value: field('paraphrase') },
    { name: 'sourceNote', value: field('note') },
  ];
}

export function exportFormat(request: Request): ExportFormat | undefined {
  const accept = request.header('accept');
  if (!accept || !/text\/csv|application\/x-ndjson/.test(accept)) return undefined;
  const best = request.accepts(['application/json', 'text/csv', 'application/x-ndjson']);
  if (best === 'text/csv') return 'csv';
  if (best === 'application/x-ndjson') return 'ndjson';
  return undefined;
}

export function exportRows<Row>(
  format: ExportFormat,
  rows: AsyncIterable<Row> | Iterable<Row>,
  columns: readonly Column<Row>[],
  filename: string,
): StreamableFile {
  const lines = format === 'csv' ? csvLines(rows, columns) : ndjsonLines(rows);
  return new StreamableFile(Readable.from(lines, { objectMode: false, highWaterMark: 64 * 1024 }), {
    type: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    disposition: `attachment; filename="${filename}.${format === 'csv' ? 'csv' : 'ndjson'}"`,
  });
}

async function* csvLines<Row>(rows: AsyncIterable<Row> | Iterable<Row>, columns: readonly Column<Row>[]): AsyncGenerator<string> {
  yield stringify([columns.map((column) => column.name)]);
  for await (const row of rows) {
    yield stringify([columns.map((column) => cell(column.value(row)))]);
  }
}

async function* ndjsonLines<Row>(rows: AsyncIterable<Row> | Iterable<Row>): AsyncGenerator<string> {
  for await (const row of rows) yield `${JSON.stringify(row)}\n`;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join('; ');
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}

/** Every page of a keyset-paged query, one row at a time. */
export async function* pages<Row, Cursor>(
  fetch: (after: Cursor | undefined, limit: number) => Promise<Row[]>,
  cursorOf: (row: Row) => Cursor,
  pageSize = 1000,
): AsyncGenerator<Row> {
  let after: Cursor | undefined;
  for (;;) {
    const page = await fetch(after, pageSize);
    yield* page;
    if (page.length < pageSize) return;
    after = cursorOf(page[page.length - 1]);
  }
}
