/**
 * Where a figure comes from, in one place: the source block (the source's own
 * words as a quote; a paraphrase labelled so, never in quotation marks; our note
 * apart; publisher and publication date) and the citation that sits beside a
 * figure, which opens to that block with the confidence. A fact sources disagree on
 * says so beside the figure ("2 sources disagree") and opens to every claim — value,
 * source, publication date, which is current and why; sources that confirm a fact are
 * listed as "also reported by".
 */
import { h } from './dom';
import type { Attribution, Claim, ClaimSet, Source } from './types';

/** How a claim's value (the field's own text, `630000000`) reads beside the figure: `$630m`. */
export type ValueFormat = (value: string) => string;

/** A source as cited: quote, paraphrase or note, then title (linked), publisher and publication date. */
export function sourceBlock(source: Source) {
  const title = source.title ?? 'untitled source';
  return h(
    'figure',
    { className: 'source' },
    source.quote ? h('blockquote', {}, source.quote) : null,
    source.paraphrase
      ? h('p', { className: 'paraphrase' }, h('span', { className: 'label' }, 'Paraphrase, not the source’s words: '), source.paraphrase)
      : null,
    source.note ? h('p', { className: 'note' }, h('span', { className: 'label' }, 'Our note: '), source.note) : null,
    h(
      'figcaption',
      {},
      source.url ? h('a', { href: source.url, target: '_blank', rel: 'noopener noreferrer' }, title) : title,
      source.publisher ? ` — ${source.publisher}` : '',
      source.publishedAt ? `, published ${publishedText(source)}` : '',
    ),
  );
}

/** `2021-09-09/2021-09-16` → "2021-09-09 to 2021-09-16", with "(our estimate)" when it is one. */
export function publishedText(source: Source): string {
  const [from, to] = (source.publishedAt ?? '').split('/');
  return `${to ? `${from} to ${to}` : from}${source.publishedAtEstimated ? ' (our estimate)' : ''}`;
}

/** The short name of a citation: publisher (or title), publication date, "(correction)" when a correction set the value. */
export function citationLabel(attribution: Attribution): string {
  const { publisher, title, publishedAt } = attribution.source;
  const corrected = attribution.type === 'EventCorrected' ? ' (correction)' : '';
  return `${publisher ?? title ?? 'source'}${publishedAt ? `, ${publishedAt.split('/')[0]}` : ''}${corrected}`;
}

/**
 * The citation beside a figure: its short name, which opens (by click or keyboard) to the whole
 * source and the confidence of the record. `path` names the fact it cites (`terms.amount`).
 */
export function citation(attribution: Attribution | null | undefined, path: string, format: ValueFormat = String) {
  if (!attribution) return h('span', { className: 'cite none', 'data-source-of': path }, 'no source kept');
  const { title, quote } = attribution.source;
  return h(
    'details',
    {
      className: 'cite',
      'data-source-of': path,
      title: [title, quote && `“${quote}”`, disagreement(attribution)].filter(Boolean).join('\n'),
    },
    h('summary', {}, citationLabel(attribution), disagreeMark(attribution)),
    citeBody(attribution, format),
  );
}

/** What a citation opens to: the source (or every claim, when sources disagree), who else reported it, and the confidence. */
function citeBody(attribution: Attribution, format: ValueFormat) {
  const disputed = (attribution.claims?.claims.length ?? 0) > 1;
  return h(
    'div',
    { className: 'cite-body' },
    disputed && attribution.claims ? claimList(attribution.claims, format) : sourceBlock(attribution.source),
    corroborations(attribution.corroboratedBy),
    h('p', { className: 'meta' }, `confidence: ${attribution.confidence} · recorded ${attribution.recordedAt.slice(0, 10)}`),
  );
}

/** "2 sources disagree", or nothing when they do not. */
export function disagreement(attribution: Attribution | null | undefined): string {
  const count = attribution?.claims?.claims.length ?? 0;
  return count > 1 ? `${count} sources disagree` : '';
}

/** The mark beside a figure whose sources disagree: seen at a glance, read with the figure. */
function disagreeMark(attribution: Attribution) {
  const text = disagreement(attribution);
  return text ? h('span', { className: 'disagree' }, ' ', h('span', { className: 'disagree-mark' }, text)) : null;
}

/** Why the current claim is current: the analyst's choice with its reason, or the API's reason ("the latest published (…)"). */
export function whyCurrent(claims: ClaimSet): string {
  if (claims.why === 'chosen') return `chosen by an analyst${claims.reason ? `: ${claims.reason}` : ''}`;
  return claims.reason ?? claims.why.replace(/_/g, ' ');
}

/** Every claim of a fact, earliest published first: its value, its source (a quote, or a paraphrase labelled so), current or not and why. */
export function claimList(claims: ClaimSet, format: ValueFormat) {
  return h(
    'ol',
    { className: 'claims', 'aria-label': `${claims.claims.length} sources disagree` },
    ...claims.claims.map((claim) =>
      h(
        'li',
        { className: claim.current ? 'claim is-current' : 'claim', 'data-claim': claim.claimId },
        h(
          'p',
          { className: 'claim-head' },
          h('strong', { className: 'claim-value' }, format(claim.value)),
          ` — ${claim.source.publisher ?? claim.source.title ?? 'source'}`,
          claim.current
            ? h('span', { className: 'claim-current' }, `current: ${whyCurrent(claims)}`)
            : h('span', { className: 'claim-not-current' }, 'not current'),
        ),
        sourceBlock(claimSource(claim)),
      ),
    ),
  );
}

/** A claim's source as shown: its own publication date; its words quoted only when the claim says they are verbatim. */
function claimSource(claim: Claim): Source {
  const { quote, ...rest } = claim.source;
  return {
    ...rest,
    ...(claim.quoted && { quote }),
    publishedAt: claim.publishedAt ?? claim.source.publishedAt,
    publishedAtEstimated: claim.publishedAt ? claim.publishedAtEstimated : claim.source.publishedAtEstimated,
  };
}

/** The sources that confirm a fact, "also reported by". */
export function corroborations(others: Attribution[] | undefined) {
  if (!others?.length) return null;
  return h(
    'div',
    { className: 'corroborated' },
    h(
      'p',
      { className: 'label' },
      `Also reported by ${others.map((other) => other.source.publisher ?? other.source.title ?? 'a source').join(', ')}:`,
    ),
    h(
      'ul',
      {},
      ...others.map((other) => h('li', {}, sourceBlock(other.source), h('p', { className: 'meta' }, `confidence: ${other.confidence}`))),
    ),
  );
}

/**
 * A figure that opens to its source: the figure itself is the control (`$630m`), its full value
 * in the tooltip; opened, it shows the source and the confidence. Without a kept source the
 * figure is shown plain, marked so.
 */
export function citedFigure(
  text: string,
  full: string,
  attribution: Attribution | null | undefined,
  path: string,
  format: ValueFormat = String,
) {
  if (!attribution) return h('span', { className: 'figure', title: `${full} (no source kept for this figure)` }, text);
  const disputed = disagreement(attribution);
  return h(
    'details',
    {
      className: disputed ? 'cite figure is-disputed' : 'cite figure',
      'data-figure-of': path,
      title: `${full} — ${citationLabel(attribution)}${disputed ? ` (${disputed})` : ''}`,
    },
    h('summary', {}, h('span', { className: 'figure-text' }, text), disagreeMark(attribution)),
    citeBody(attribution, format),
  );
}
