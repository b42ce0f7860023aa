import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEffectiveTime, effectiveUntil } from '@timeline/domain';
import { readSeedSet, SeedEntry } from '@timeline/seeds';
import { ISO_3166_ALPHA2 } from './iso-3166-alpha2';

/**
 * The shipped data sets against the texts they cite: every quote is the source's own words,
 * every paraphrase is traceable to the summary it was taken from, every figure is in the
 * passage that supports it, every party code is of one scheme, and every source says when it
 * was published (or that the date is our estimate).
 */
const ROOT = join(__dirname, '..', '..', 'seeds');
const ARTICLE_SET = 'belarus-russia-2021';
const FULL_SET = 'belarus-russia-2018-2021';
/** The text behind each data set's sources: the article itself, and the summaries of other reporting. */
const ARTICLE = readFileSync(join(ROOT, ARTICLE_SET, 'sources', 'article.txt'), 'utf8');
const FACTS = readFileSync(join(ROOT, FULL_SET, 'sources', 'facts.md'), 'utf8');

const article = readSeedSet(ROOT, ARTICLE_SET);
const full = readSeedSet(ROOT, FULL_SET);
const own = (dataset: string) => full.entries.filter((entry) => entry.dataset === dataset);
const label = (entry: SeedEntry) => `${entry.dataset}/${entry.key}`;

describe('the data sets', () => {
  it('read without a problem, the full set holding the article set first', () => {
    expect(article.entries.length).toBeGreaterThanOrEqual(50);
    expect(full.entries.slice(0, article.entries.length).map(label)).toEqual(article.entries.map(label));
    expect(own(FULL_SET).length).toBeGreaterThanOrEqual(39);
  });

  it('quote the article word for word, and only the article', () => {
    const checked: string[] = [];
    for (const entry of full.entries) {
      const { quote, paraphrase } = entry.source;
      if (entry.dataset === ARTICLE_SET) {
        expect({ entry: label(entry), quote: typeof quote, paraphrase }).toEqual({ entry: label(entry), quote: 'string', paraphrase: undefined });
        expect({ entry: label(entry), verbatim: ARTICLE.includes(quote!) }).toEqual({ entry: label(entry), verbatim: true });
        checked.push(entry.key);
      } else {
        // Other reporting is known only as summaries in our words: never passed off as its words.
        expect({ entry: label(entry), quote }).toEqual({ entry: label(entry), quote: undefined });
      }
      const said = entry.data.quote;
      if (typeof said === 'string') {
        const text = entry.dataset === ARTICLE_SET ? ARTICLE : FACTS;
        expect({ entry: label(entry), statement: text.includes(said) }).toEqual({ entry: label(entry), statement: true });
      }
    }
    expect(checked.length).toBe(article.entries.length);
  });

  it('paraphrase other reporting in the words of the summary it comes from, on the row of its outlet', () => {
    const rows = FACTS.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| date') && !line.startsWith('|---'));
    expect(rows.length).toBeGreaterThan(20);
    for (const entry of own(FULL_SET)) {
      const paraphrase = entry.source.paraphrase;
      expect({ entry: label(entry), paraphrase: typeof paraphrase }).toEqual({ entry: label(entry), paraphrase: 'string' });
      const row = rows.find((line) => line.includes(paraphrase!));
      expect({ entry: label(entry), found: row !== undefined }).toEqual({ entry: label(entry), found: true });
      // The outlet the entry cites is the one the summary names (any one of them).
      const outlets = `${entry.source.publisher ?? ''} ${entry.source.title}`;
      const named = row!.split('|')[3].trim();
      const outletWords = named.split(/[;,/ ]+/).filter((word) => /^[A-Z]/.test(word) && !['Sep', 'Oct', 'Nov', 'Dec', 'Aug', 'Mar', 'Apr'].includes(word));
      if (outletWords.length) expect({ entry: label(entry), cites: outletWords.some((word) => outlets.includes(word)) }).toEqual({ entry: label(entry), cites: true });
    }
  });

  it('hold no figure that the passage supporting it does not state', () => {
    for (const entry of full.entries) {
      const passage = `${entry.source.quote ?? ''} ${entry.source.paraphrase ?? ''}`;
      const stated = figures(passage);
      for (const [field, value] of numbersIn(claimedFigures(entry))) {
        const number = Math.abs(Number(value));
        expect({ entry: label(entry), field, value, stated: stated.some((figure) => Math.abs(figure - number) < 1e-9) }).toEqual({ entry: label(entry), field, value, stated: true });
      }
    }
  });

  it('write no figure in a title, description or reason that the texts behind the data sets do not state', () => {
    const known = new Set(figures(`${ARTICLE}\n${FACTS}`));
    const keys = new Set(full.entries.map((entry) => entry.key));
    for (const entry of full.entries) {
      for (const [field, text] of textsIn(entry.data)) {
        // Names of other entries ("gas-price-pledge-128-50") are references, not figures.
        const prose = text.replace(/\b[a-z0-9]+(?:-[a-z0-9]+)+\b/g, (word) => (keys.has(word) ? ' ' : word));
        for (const figure of figures(prose)) expect({ entry: label(entry), field, figure, stated: known.has(figure) }).toEqual({ entry: label(entry), field, figure, stated: true });
      }
    }
  });

  it('put in quotation marks, in titles, descriptions and reasons, only words that are in the texts', () => {
    // What is "quoted" in free text is the article's words, or the words a summary of other reporting quotes.
    // Capitals may change where a quoted phrase starts a sentence; nothing else may.
    const normal = (text: string) => text.replace(/[’‘]/g, "'").replace(/\s+/g, ' ').toLowerCase();
    const texts = normal(`${ARTICLE}\n${FACTS}`);
    let seen = 0;
    const notFound: string[] = [];
    for (const entry of full.entries) {
      for (const [field, text] of [...textsIn(entry.data), ...textsIn({ source: { note: entry.source.note } })]) {
        for (const match of text.matchAll(/["“]([^"”]+)["”]/g)) {
          seen++;
          if (!texts.includes(normal(match[1]))) notFound.push(`${label(entry)} ${field}: "${match[1]}"`);
        }
      }
    }
    expect(notFound).toEqual([]);
    expect(seen).toBeGreaterThan(10);
  });

  it('give states their ISO 3166-1 alpha-2 codes, the EU the kind bloc, and use no code that is not registered', () => {
    const parties = full.entries.filter((entry) => entry.type === 'PartyRegistered').map((entry) => entry.data as { partyId: string; kind: string });
    expect(parties.map((party) => party.partyId).sort()).toEqual(['BY', 'EFSD', 'EU', 'GE', 'RU', 'UA']);
    for (const party of parties.filter((party) => party.kind === 'state')) expect({ party: party.partyId, iso: ISO_3166_ALPHA2.has(party.partyId) }).toEqual({ party: party.partyId, iso: true });
    expect(parties.find((party) => party.partyId === 'EU')?.kind).toBe('bloc');
    const registered = new Set(parties.map((party) => party.partyId));
    for (const entry of full.entries) {
      for (const code of partyCodesIn(entry.data)) expect({ entry: label(entry), code, registered: registered.has(code) }).toEqual({ entry: label(entry), code, registered: true });
    }
  });

  it('make Belarus and Russia parties from the 1999 Union State Treaty, on its source', () => {
    const treaty = full.entries.find((entry) => entry.key === 'union-state-treaty')!;
    for (const party of ['party-by', 'party-ru']) {
      const moved = full.entries.find((entry) => entry.type === 'EventCorrected' && entry.target === party);
      expect(moved).toBeDefined();
      expect((moved!.data.changes as { effectiveAt?: string }).effectiveAt).toBe(treaty.effectiveAt);
      expect(moved!.source.title).toBe(treaty.source.title);
    }
  });

  it('start what the article says was already in place no later than other reporting dates it, as a range', () => {
    const airDefense = full.entries.find((entry) => entry.type === 'EventCorrected' && entry.target === 'shared-air-defense')!;
    const corrected = parseEffectiveTime(String((airDefense.data.changes as { effectiveAt: string }).effectiveAt));
    const su30 = full.entries.find((entry) => entry.key === 'su30sm-baranovichi')!;
    expect(corrected.precision).toBe('range');
    expect(Date.parse(effectiveUntil(corrected))).toBeLessThanOrEqual(Date.parse(effectiveUntil(su30.effective)));
    for (const key of ['shared-air-defense', 'joint-units-western-district']) {
      const entry = article.entries.find((candidate) => candidate.key === key)!;
      expect(entry.source.quote).toMatch(/already|have jointly/);
      expect(entry.effective.precision).toBe('range');
    }
  });

  it('mark an inference as one, with the lowest confidence and the reasoning beside it', () => {
    const efsd = full.entries.find((entry) => entry.key === 'credit-1-5bn-efsd-disbursement')!;
    expect(efsd.confidence).toBe('inferred');
    expect(efsd.source.note).toMatch(/inference/i);
    expect(full.entries.filter((entry) => entry.confidence === 'inferred').every((entry) => (entry.source.note ?? '').length > 0)).toBe(true);
  });

  it('hold one real-world fact as one entry, other sources confirming it', () => {
    const su30 = full.entries.filter((entry) => entry.type === 'DeploymentStarted' && /su-30sm/i.test(String(entry.data.asset)));
    expect(su30.map((entry) => entry.key)).toEqual(['su30sm-deployment']);
    const exercises = full.entries.filter((entry) => entry.type === 'OccurrenceRecorded' && entry.data.kind === 'exercise' && /zapad/i.test(String(entry.data.title)));
    expect(exercises.map((entry) => entry.key)).toEqual(['zapad-21']);
    const corroborated = (target: string) => full.entries.filter((entry) => entry.type === 'SourceCorroborated' && entry.target === target).map((entry) => entry.source.title);
    expect(corroborated('su30sm-deployment')).toEqual(['Su-30SM jets arrive at Baranovichi']);
    expect(corroborated('zapad-21')).toEqual(['Zapad-2021 exercise figures (TASS of 13 September 2021; Belsat)']);
    expect(corroborated('gas-price-pledge-128-50')).toEqual(['Putin and Lukashenka meet in Moscow on 9 September 2021']);
    // A confirming source is another source than the entry's own.
    for (const entry of full.entries.filter((candidate) => candidate.type === 'SourceCorroborated')) {
      const target = full.entries.find((candidate) => candidate.key === entry.target)!;
      expect({ entry: label(entry), other: target.source.title !== entry.source.title }).toEqual({ entry: label(entry), other: true });
    }
  });

  it("keep the article's loan amount beside the other reporting's as competing claims, never as a correction", () => {
    const loan = full.entries.find((entry) => entry.key === 'loan-600m')!;
    expect(loan.data.terms).toMatchObject({ amount: '600000000' });
    expect(loan.source.quote).toContain('$600m loan');
    const claims = full.entries.filter((entry) => entry.type === 'ClaimRecorded' && entry.target === 'loan-600m');
    expect(claims.map((entry) => [entry.data.field, entry.data.value, entry.source.publisher, entry.source.paraphrase])).toEqual([
      ['terms.amount', '630000000', 'Belsat', 'about $630m in loans to end-2022'],
    ]);
    expect(full.entries.filter((entry) => entry.type === 'EventCorrected' && entry.target === 'loan-600m')).toEqual([]);
    // No correction changes a figure of the article: a source that disagrees is a claim.
    const articleKeys = new Set(article.entries.map((entry) => entry.key));
    for (const entry of full.entries.filter((candidate) => candidate.type === 'EventCorrected' && articleKeys.has(candidate.target!))) {
      expect({ entry: label(entry), figures: numbersIn((entry.data.changes as { data?: unknown }).data) }).toEqual({ entry: label(entry), figures: [] });
    }
  });

  it('date every source’s publication, an estimate marked as one and never later than what the source reports', () => {
    const bySource = new Map<string, SeedEntry[]>();
    for (const entry of full.entries) bySource.set(entry.source.title, [...(bySource.get(entry.source.title) ?? []), entry]);
    expect(bySource.size).toBeGreaterThan(20);
    for (const [title, entries] of bySource) {
      const { publishedAt, publishedAtEstimated } = entries[0].source;
      expect({ title, publishedAt: typeof publishedAt }).toEqual({ title, publishedAt: 'string' });
      const published = parseEffectiveTime(publishedAt!);
      const latestFact = Math.max(...entries.map((entry) => Date.parse(reportedFact(entry).at)));
      // A source reports what happened before it appeared: its publication cannot end before a fact it reports begins.
      expect({ title, endsAfterItsFacts: Date.parse(effectiveUntil(published)) > latestFact }).toEqual({ title, endsAfterItsFacts: true });
      if (publishedAtEstimated) {
        // An estimate begins at the earliest the text allows (the latest fact it reports), never later.
        expect({ title, estimateStarts: published.at }).toEqual({ title, estimateStarts: new Date(latestFact).toISOString() });
      }
    }
    expect(article.entries[0].source).toMatchObject({ publishedAt: '2021-09-10/2021-09-30', publishedAtEstimated: true });
  });
});

/** Every number in a passage, with its scale: "$1.5bn" → 1.5e9, "$300–400m" → 3e8 and 4e8, "12,800" → 12800. */
function figures(text: string): number[] {
  const words: Record<string, number> = { 'eight-hour': 8, 'three and a half hours': 3.5 };
  const found = Object.entries(words).filter(([word]) => text.includes(word)).map(([, value]) => value);
  const pattern = /(\d[\d,]*(?:\.\d+)?)(?:\s*[–-]\s*(\d[\d,]*(?:\.\d+)?))?\s*(bn|m\b|%)?/g;
  for (const match of text.matchAll(pattern)) {
    const scale = match[3] === 'bn' ? 1e9 : match[3] === 'm' ? 1e6 : 1;
    for (const part of [match[1], match[2]]) if (part) found.push(Number(part.replace(/,/g, '')) * scale);
  }
  return found;
}

const FIGURE_FIELDS = new Set(['amount', 'value', 'valueMax', 'quantity', 'durationHours', 'hours']);

/** The figures of an entry's data (of a correction: of its changes), by dotted path. */
/** The data whose figures a passage must state: a claim on a date holds a date, checked with the publication dates. */
function claimedFigures(entry: SeedEntry): unknown {
  return entry.type === 'ClaimRecorded' && entry.data.field === 'effectiveAt' ? {} : entry.data;
}

/** When what an entry's source reports happened: the date a claim gives, else the entry's own (a corroboration's is its target's). */
function reportedFact(entry: SeedEntry) {
  return entry.type === 'ClaimRecorded' && entry.data.field === 'effectiveAt' ? parseEffectiveTime(String(entry.data.value)) : entry.effective;
}

function numbersIn(value: unknown, path = ''): [string, string][] {
  if (Array.isArray(value)) return value.flatMap((item, index) => numbersIn(item, `${path}[${index}]`));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]): [string, string][] => {
    const where = path ? `${path}.${key}` : key;
    if (FIGURE_FIELDS.has(key) && typeof item === 'string') return [[where, item]];
    return numbersIn(item, where);
  });
}

const NOT_PROSE = new Set([...FIGURE_FIELDS, 'commitmentId', 'trackId', 'occurrenceId', 'deploymentId', 'eventId', 'due', 'validFrom', 'validUntil', 'horizon', 'effectiveAt']);

/** The free texts of an entry's data (titles, descriptions, reasons), by dotted path. */
function textsIn(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((item, index) => textsIn(item, `${path}[${index}]`));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => (NOT_PROSE.has(key) ? [] : textsIn(item, path ? `${path}.${key}` : key)));
}

function partyCodesIn(data: Record<string, unknown>): string[] {
  const codes: string[] = [];
  // `to` names a party only where `by` does (elsewhere it is a new status).
  for (const field of data.by !== undefined ? ['by', 'to', 'host', 'commandedBy'] : ['host', 'commandedBy']) if (typeof data[field] === 'string') codes.push(data[field]);
  if (Array.isArray(data.parties)) codes.push(...(data.parties as string[]));
  return codes;
}
