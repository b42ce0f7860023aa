// What corrections cost a reader: commitments whose recording was corrected five times over,
// side by side with commitments of the same shape never corrected, in the same store, asked the
// same questions in interleaved order. Over HTTP against the built server on PostgreSQL (the
// table as the log, the projector in the same process), in a schema of its own.
//
//   one      GET /v1/commitments/{id}?asOf&knownAt   (asOf in 2019–2022, knownAt now or any instant since the first write)
//   history  GET /v1/commitments/{id}/history         (every event of the stream, revisions applied)
import { v7 as uuidv7 } from 'uuid';
import { databaseUrl, dropSchemas, startServer, uniqueName } from '../lib/environment.mjs';
import { formatMs, percentile, seededRandom } from '../lib/stats.mjs';
import { commitmentWrite, httpRequest } from '../lib/workload.mjs';

const CORRECTIONS = 5;
const TARGET_RATIO = 1.5;

async function post(server, path, body) {
  const response = await fetch(`${server.base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...server.headers },
    body: JSON.stringify(body),
  });
  if (response.status !== 200 && response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Four writes a commitment (record, disburse, amend, disburse); the recording corrected CORRECTIONS times when `corrected`. */
async function writeCommitment(server, n, corrected) {
  const id = uuidv7();
  let recordedEvent;
  let last;
  for (let step = 0; step < 4; step++) {
    const { path, body } = httpRequest(commitmentWrite(0, n * 4 + step), id);
    last = await post(server, path, body);
    if (step === 0) recordedEvent = last.eventIds[0];
  }
  for (let k = 1; corrected && k <= CORRECTIONS; k++) {
    last = await post(server, `/v1/events/${recordedEvent}/corrections`, {
      reason: `Made-up benchmark correction ${k} of ${CORRECTIONS}: the title was recorded wrongly`,
      data: { title: `Made-up benchmark commitment ${n}, title as corrected ${k} times` },
      source: { title: 'Made-up benchmark source (not a real report)', publishedAt: '2021-10', paraphrase: 'made-up benchmark text' },
    });
  }
  return { id, position: last.position };
}

export async function run({ quick }) {
  const perGroup = quick ? 10 : 150;
  const requests = quick ? 40 : 600;
  const schema = uniqueName('bench_corrections');
  const server = await startServer({ DATABASE_URL: databaseUrl(), DATABASE_SCHEMA: schema, KAFKA_BROKERS: '', LOG_LEVEL: 'warn' });
  try {
    const began = Date.now();
    const groups = { uncorrected: [], corrected: [] };
    let position = '0';
    for (let n = 0; n < perGroup * 2; n++) {
      const corrected = n % 2 === 1;
      const written = await writeCommitment(server, n, corrected);
      groups[corrected ? 'corrected' : 'uncorrected'].push(written.id);
      position = written.position;
    }
    const written = Date.now();
    const random = seededRandom(perGroup);
    const pick = (values) => values[Math.floor(random() * values.length)];
    const question = {
      one: (id) => {
        const asOf = new Date(Date.UTC(2019, 0, 1) + random() * (Date.UTC(2023, 0, 1) - Date.UTC(2019, 0, 1)));
        const knownAt = random() < 0.5 ? '' : `&knownAt=${new Date(began + random() * (written - began)).toISOString()}`;
        return `/v1/commitments/${id}?asOf=${asOf.toISOString().slice(0, 10)}${knownAt}`;
      },
      history: (id) => `/v1/commitments/${id}/history`,
    };
    // Not counted: waits until the projector has every write, then warms both groups' paths.
    const caughtUp = await fetch(`${server.base}/v1/commitments/${groups.corrected[0]}?minPosition=${position}`, {
      headers: server.headers,
    });
    if (caughtUp.status !== 200) throw new Error(`the projector did not catch up: ${caughtUp.status} ${await caughtUp.text()}`);
    const current = await caughtUp.json();
    if (!String(current.title).includes(`corrected ${CORRECTIONS} times`)) {
      throw new Error(`a corrected commitment does not read as corrected: ${JSON.stringify(current).slice(0, 300)}`);
    }
    const ask = async (path) => {
      const start = performance.now();
      const response = await fetch(`${server.base}${path}`, { headers: server.headers });
      const body = await response.text();
      const ms = performance.now() - start;
      if (response.status !== 200 && response.status !== 404) throw new Error(`GET ${path}: ${response.status} ${body.slice(0, 300)}`);
      return ms;
    };
    for (let i = 0; i < 20; i++)
      for (const group of Object.values(groups)) for (const make of Object.values(question)) await ask(make(pick(group)));

    const times = {};
    for (const name of Object.keys(question)) for (const group of Object.keys(groups)) times[`${name} ${group}`] = [];
    // Interleaved: every round asks each question of each group once, so both groups see the same machine.
    for (let i = 0; i < requests; i++) {
      for (const [name, make] of Object.entries(question)) {
        for (const [group, ids] of Object.entries(groups)) times[`${name} ${group}`].push(await ask(make(pick(ids))));
      }
    }
    const rows = [];
    for (const name of Object.keys(question)) {
      const plain = times[`${name} uncorrected`];
      const revised = times[`${name} corrected`];
      const ratio = percentile(revised, 0.99) / percentile(plain, 0.99);
      for (const [group, values] of [
        ['uncorrected', plain],
        [`corrected ${CORRECTIONS} times`, revised],
      ]) {
        rows.push([
          name,
          group,
          values.length,
          formatMs(percentile(values, 0.5)),
          formatMs(percentile(values, 0.95)),
          formatMs(percentile(values, 0.99)),
          group === 'uncorrected' ? '—' : `${ratio.toFixed(2)} ×`,
          group === 'uncorrected' ? '—' : `≤ ${TARGET_RATIO} ×: ${ratio <= TARGET_RATIO ? 'met' : 'missed'}`,
        ]);
      }
    }
    return {
      section: `Time travel over histories corrected ${CORRECTIONS} times`,
      columns: ['question', 'commitments', 'requests', 'p50', 'p95', 'p99', 'p99 ÷ uncorrected', 'target'],
      rows,
      notes: [
        `${perGroup * 2} commitments written over HTTP, each recorded, disbursed, amended and disbursed again (the benchmark's made-up loans); every second one then had its recording corrected ${CORRECTIONS} times (a made-up title each time), so its stream holds ${4 + CORRECTIONS} events and its read-model rows ${CORRECTIONS} more versions. The built server on PostgreSQL, the events table as the log, the projector in the same process, schema ${schema}.`,
        `${requests} requests a question and group, interleaved (each round asks both groups each question), each with a random commitment of its group and, for "one", a random asOf in 2019–2022 and, half the time, a knownAt between the first write and the last (a belief before some corrections); 20 rounds of warm-up not counted.`,
        'The store is small: this measures what a correction adds to one commitment’s answers, not how the store-wide indexes grow (the time-travel suite above does that at 10k, 100k and 1M events, whose generated histories include corrections and retractions).',
      ],
    };
  } finally {
    await server.stop();
    await dropSchemas(schema);
  }
}
