import type { Command } from 'commander';
import Table from 'cli-table3';
import { EffectiveTime, formatEffectiveTime } from '@timeline/domain';

/**
 * Read commands talk to a running service over HTTP (`--url`, or
 * TIMELINE_URL), so they work beside a server that owns an embedded store.
 */
const DEFAULT_URL = process.env.TIMELINE_URL || 'http://localhost:3000';

/** The key from --key or TIMELINE_KEY (better: it stays out of the process list), as a header. */
function authorization(options: { key?: string }): Record<string, string> {
  const key = options.key ?? process.env.TIMELINE_KEY;
  return key ? { authorization: `Bearer ${key}` } : {};
}
const KEY_OPTION = ['--key <key>', 'an API key (default: TIMELINE_KEY); not needed when the service allows anonymous reads'] as const;

interface ClientOptions {
  url: string;
  json?: boolean;
  key?: string;
}

async function fetchJson<T>(options: ClientOptions, path: string, query: Record<string, string | undefined> = {}): Promise<T> {
  const url = new URL(path, options.url);
  for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, value);
  const response = await fetch(url, { headers: { accept: 'application/json', ...authorization(options) } }).catch((error: Error) => {
    throw new Error(`cannot reach ${options.url} (${error.message}); start it with "npm start" or pass --url`);
  });
  const body = (await response.json()) as T & { detail?: string; errors?: { field: string; message: string }[] };
  if (!response.ok) {
    const fields = body.errors?.map((error) => `${error.field}: ${error.message}`).join('; ');
    throw new Error(`${response.status} ${body.detail ?? response.statusText}${fields ? ` (${fields})` : ''}`);
  }
  return body;
}

const STATE_SECTIONS = ['parties', 'tracks', 'commitments', 'deployments'] as const;
type StateSectionName = (typeof STATE_SECTIONS)[number];
interface StateSection<T> {
  total: number;
  items: T[];
  next: string | null;
}
type StateAnswer<Items extends Record<StateSectionName, unknown>> = { asOf: string; knownAt: string; reportedBy?: string } & {
  [name in StateSectionName]: StateSection<Items[name]>;
};

/**
 * GET /v1/state read to the end: its first page of every section, then each section's `next`
 * until none is left (the time axes are pinned in `next`). Progress goes to stderr once a
 * section takes more than one page.
 */
async function wholeState<Items extends Record<StateSectionName, unknown>>(
  options: ClientOptions,
  query: Record<string, string | undefined>,
): Promise<
  { asOf: string; knownAt: string; reportedBy?: string } & { [name in StateSectionName]: { total: number; items: Items[name][] } }
> {
  const first = await fetchJson<StateAnswer<Items>>(options, '/v1/state', query);
  const sections = {} as { [name in StateSectionName]: { total: number; items: Items[name][] } };
  for (const name of STATE_SECTIONS) {
    const items: Items[typeof name][] = [...first[name].items];
    let next = first[name].next;
    while (next) {
      process.stderr.write(`${name}: ${items.length} of ${first[name].total}\n`);
      const page: StateSection<Items[typeof name]> = (await fetchJson<StateAnswer<Items>>(options, next))[name];
      items.push(...page.items);
      next = page.next;
    }
    if (first[name].next) process.stderr.write(`${name}: ${items.length} of ${first[name].total}\n`);
    (sections as Record<StateSectionName, { total: number; items: unknown[] }>)[name] = { total: first[name].total, items };
  }
  return { asOf: first.asOf, knownAt: first.knownAt, ...(first.reportedBy && { reportedBy: first.reportedBy }), ...sections };
}

const money = (amount: string | null | undefined, currency: string | null | undefined, unit?: string | null) =>
  amount === null || amount === undefined ? '' : `${amount} ${unit ?? currency ?? ''}`.trim();

/** Plain borders off a terminal, so that files and pipes get no colour codes. */
const style = () => (process.stdout.isTTY ? {} : { style: { head: [], border: [] } });

const show = (value: unknown) =>
  value === null || value === undefined
    ? '∅'
    : typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : (JSON.stringify(value) ?? '');

interface HistoryVersion {
  version: number;
  type: string;
  eventId: string;
  effectiveAt: { at: string; precision: string; until?: string };
  recordedAt: string;
  actor: string;
  confidence: string;
  source: { title: string; quote?: string; paraphrase?: string };
  changes: { path: string; from: unknown; to: unknown }[];
  fixes?: { eventId: string; kind: string };
}

interface CommitmentRow {
  id: string;
  title: string;
  by: string;
  to: string;
  status: string;
  pledged: string | null;
  disbursed: string;
  outstanding: string | null;
  currency: string | null;
  unit: string | null;
  uncertain: unknown[];
  sources?: Record<string, CitedFact>;
}

/** A fact's source as answers give it, with the other sources that confirm or dispute it. */
interface CitedFact {
  source: { title: string; publisher?: string };
  corroboratedBy?: { source: { title: string; publisher?: string; publishedAt?: string } }[];
  claims?: {
    why: string;
    reason: string;
    claims: {
      value: unknown;
      current: boolean;
      quoted: boolean;
      publishedAt: string | null;
      source: { title: string; publisher?: string };
    }[];
  };
}

const sourceName = (source: { title: string; publisher?: string }) => `${source.publisher ? `${source.publisher}: ` : ''}${source.title}`;

/** The lines that show, for one entity, the sources that disagree on its facts and those that confirm it. */
function otherSources(name: string, sources: Record<string, CitedFact> | undefined): string[] {
  const lines: string[] = [];
  const confirming = new Set<string>();
  for (const [path, fact] of Object.entries(sources ?? {})) {
    for (const other of fact.corroboratedBy ?? []) confirming.add(sourceName(other.source));
    if (!fact.claims) continue;
    lines.push(
      `${name} — ${path}, sources disagree (current: ${fact.claims.why === 'chosen' ? `chosen: ${fact.claims.reason}` : 'the latest published'}):`,
    );
    for (const claim of fact.claims.claims) {
      lines.push(
        `  ${claim.current ? '*' : ' '} ${String(claim.value)} — ${sourceName(claim.source)}, published ${claim.publishedAt ?? 'date unknown'}${claim.quoted ? '' : ' (paraphrase)'}`,
      );
    }
  }
  if (confirming.size) lines.unshift(`${name} — also reported by: ${[...confirming].join('; ')}`);
  return lines;
}

export function registerClientCommands(program: Command): void {
  program
    .command('history <id>')
    .description('every version of a commitment: what changed, when it took effect, who recorded it, on what source')
    .option('--url <url>', 'the service', DEFAULT_URL)
    .option(...KEY_OPTION)
    .option('--json', 'print JSON instead of a table')
    .action(async (id: string, options: ClientOptions) => {
      const { versions } = await fetchJson<{ versions: HistoryVersion[] }>(options, `/v1/commitments/${id}/history`);
      if (options.json) return console.log(JSON.stringify(versions, null, 2));
      const table = new Table({
        ...style(),
        head: ['v', 'event', 'effective', 'recorded', 'actor', 'changes', 'source'],
        wordWrap: true,
        colWidths: [4, 24, 12, 22, 14, 44, 36],
      });
      for (const version of versions) {
        const changes = version.changes.map((change) => `${change.path}: ${show(change.from)} → ${show(change.to)}`).join('\n');
        const fixes = version.fixes ? `${version.fixes.kind} of ${version.fixes.eventId}\n` : '';
        table.push([
          version.version,
          version.type,
          formatEffectiveTime(version.effectiveAt as EffectiveTime),
          version.recordedAt.replace('T', ' ').slice(0, 19),
          version.actor,
          fixes + changes,
          `${version.source.title} (${version.confidence})${version.source.quote ? `\n“${version.source.quote}”` : ''}${version.source.paraphrase ? `\nparaphrase: ${version.source.paraphrase}` : ''}`,
        ]);
      }
      console.log(table.toString());
    });

  program
    .command('state')
    .description('the relationship as of a date, as known at a time: commitments, tracks, deployments')
    .option('--as-of <date>', 'valid time (YYYY, YYYY-MM, YYYY-MM-DD or an instant); default now')
    .option('--known-at <time>', 'transaction time; default now')
    .option('--reported-by <date>', 'only what the sources had published by then (same forms as --as-of); default all')
    .option('--url <url>', 'the service', DEFAULT_URL)
    .option(...KEY_OPTION)
    .option('--json', 'print JSON instead of tables')
    .option('--page-size <n>', 'items per section asked for at a time (1–1000)', '1000')
    .action(async (options: ClientOptions & { asOf?: string; knownAt?: string; reportedBy?: string; pageSize: string }) => {
      const state = await wholeState<{
        commitments: CommitmentRow;
        tracks: { title: string; status: string; deadlines: { due: string; description: string }[]; sources?: Record<string, CitedFact> };
        deployments: { asset: string; place: string; by: string; host: string; sources?: Record<string, CitedFact> };
        parties: { partyId: string };
      }>(options, { asOf: options.asOf, knownAt: options.knownAt, reportedBy: options.reportedBy, limit: options.pageSize });
      if (options.json) return console.log(JSON.stringify(state, null, 2));
      console.log(`as of ${state.asOf}, as known at ${state.knownAt}${state.reportedBy ? `, as reported by ${state.reportedBy}` : ''}`);
      console.log(STATE_SECTIONS.map((name) => `${name}: ${state[name].total}`).join(', '));
      const commitments = new Table({
        ...style(),
        head: ['commitment', 'by → to', 'status', 'pledged', 'disbursed', 'outstanding', ''],
        wordWrap: true,
        colWidths: [44, 10, 11, 22, 20, 20, 3],
      });
      for (const row of state.commitments.items) {
        commitments.push([
          row.title,
          `${row.by} → ${row.to}`,
          row.status,
          money(row.pledged, row.currency, row.unit),
          money(row.disbursed, row.currency, row.unit),
          row.status === 'pledged' ? money(row.outstanding, row.currency, row.unit) : '',
          row.uncertain.length ? '?' : '',
        ]);
      }
      console.log(commitments.toString());
      const tracks = new Table({ ...style(), head: ['track', 'status', 'deadlines'], wordWrap: true, colWidths: [44, 18, 60] });
      for (const track of state.tracks.items)
        tracks.push([track.title, track.status, track.deadlines.map((d) => `${d.due}: ${d.description}`).join('\n')]);
      console.log(tracks.toString());
      const deployments = new Table({ ...style(), head: ['deployment', 'place', 'whose → host'], wordWrap: true, colWidths: [44, 30, 16] });
      for (const deployment of state.deployments.items)
        deployments.push([deployment.asset, deployment.place, `${deployment.by} → ${deployment.host}`]);
      console.log(deployments.toString());
      const others = [
        ...state.commitments.items.flatMap((row) => otherSources(row.title, row.sources)),
        ...state.tracks.items.flatMap((track) => otherSources(track.title, track.sources)),
        ...state.deployments.items.flatMap((deployment) => otherSources(deployment.asset, deployment.sources)),
      ];
      if (others.length) console.log(['Other sources (* = current claim):', ...others].join('\n'));
      console.log('? = a fact counted here whose date is known only to a month or a year');
    });

  program
    .command('tail')
    .description('follow new events, one line each; resumes after a drop, or from --from')
    .option('--types <types>', 'comma-separated event types')
    .option('--parties <parties>', 'comma-separated party codes')
    .option('--streams <streams>', 'comma-separated stream ids')
    .option('--from <position>', 'start after this position (0 for everything)')
    .option('--url <url>', 'the service', DEFAULT_URL)
    .option(...KEY_OPTION)
    .option('--json', 'print each event as JSON')
    .action(async (options: ClientOptions & { types?: string; parties?: string; streams?: string; from?: string }) => {
      let last = options.from;
      for (;;) {
        const url = new URL('/v1/events/stream', options.url);
        for (const name of ['types', 'parties', 'streams'] as const) if (options[name]) url.searchParams.set(name, options[name]);
        const response = await fetch(url, {
          headers: { accept: 'text/event-stream', ...authorization(options), ...(last !== undefined ? { 'last-event-id': last } : {}) },
        }).catch(() => undefined);
        if (response && !response.ok) throw new Error(`${response.status} ${await response.text()}`);
        if (response?.body) {
          let buffer = '';
          const decoder = new TextDecoder();
          for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
            buffer += decoder.decode(chunk, { stream: true });
            let end: number;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const frame = Object.fromEntries(
                buffer
                  .slice(0, end)
                  .split('\n')
                  .filter((line) => /^[a-z]+:/.test(line))
                  .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trimStart()]),
              );
              buffer = buffer.slice(end + 2);
              if (frame.event === 'overflow') {
                last = (JSON.parse(frame.data) as { resumeFrom: string }).resumeFrom;
                continue;
              }
              if (!frame.id || !frame.data) continue;
              last = frame.id;
              const event = JSON.parse(frame.data) as {
                position: string;
                effectiveAt: EffectiveTime;
                type: string;
                streamId: string;
                source?: { title?: string };
              };
              console.log(
                options.json
                  ? frame.data
                  : `${event.position}\t${formatEffectiveTime(event.effectiveAt)}\t${event.type}\t${event.streamId}\t${event.source?.title ?? ''}`,
              );
            }
          }
        }
        // Dropped: reconnect from the last event printed.
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    });

  program
    .command('export <what>')
    .description('stream an export to standard output: timeline, commitments, ledger, audit, or history:<id>')
    .option('--format <format>', 'csv or ndjson', 'csv')
    .option('--as-of <date>', 'valid time, for commitments and ledger')
    .option('--known-at <time>', 'transaction time')
    .option('--reported-by <date>', 'only what the sources had published by then, for timeline, commitments and ledger')
    .option('--url <url>', 'the service', DEFAULT_URL)
    .option(...KEY_OPTION)
    .action(async (what: string, options: ClientOptions & { format: string; asOf?: string; knownAt?: string; reportedBy?: string }) => {
      if (!['csv', 'ndjson'].includes(options.format)) throw new Error(`--format must be csv or ndjson, not "${options.format}"`);
      const paths: Record<string, string> = {
        timeline: '/v1/timeline',
        commitments: '/v1/commitments',
        ledger: '/v1/ledger',
        audit: '/v1/audit',
      };
      const path = what.startsWith('history:') ? `/v1/commitments/${what.slice('history:'.length)}/history` : paths[what];
      if (!path) throw new Error(`cannot export "${what}": choose timeline, commitments, ledger, audit or history:<id>`);
      const url = new URL(path, options.url);
      if (options.asOf && (what === 'commitments' || what === 'ledger')) url.searchParams.set('asOf', options.asOf);
      if (options.knownAt) url.searchParams.set('knownAt', options.knownAt);
      if (options.reportedBy && ['timeline', 'commitments', 'ledger'].includes(what))
        url.searchParams.set('reportedBy', options.reportedBy);
      const response = await fetch(url, {
        headers: { accept: options.format === 'csv' ? 'text/csv' : 'application/x-ndjson', ...authorization(options) },
      });
      if (!response.ok || !response.body) throw new Error(`${response.status} ${await response.text()}`);
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once('drain', resolve));
      }
    });
}
