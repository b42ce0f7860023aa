/**
 * Where a figure comes from, in one place: the source block (the source's own
 * words as a quote; a paraphrase labelled so, never in quotation marks; our note
 * apart; publisher and publication date) and the citation that sits beside a
 * figure, which opens to that block with the confidence. Whatever the API adds
 * about sources later (competing claims, who reported what) goes here, beside these.
 */
import { h } from './dom';
import type { Attribution, Source } from './types';

/** A source as cited: quote, paraphrase or note, then title (linked), publisher and publication date. */
export function sourceBlock(source: Source) {
  const title = source.title ?? 'untitled source';
  return h(
    'figure',
    { className: 'source' },
    source.quote ? h('blockquote', {}, source.quote) : null,
    source.paraphrase ? h('p', { className: 'paraphrase' }, h('span', { className: 'label' }, 'Paraphrase, not the source’s words: '), source.paraphrase) : null,
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
export function citation(attribution: Attribution | null | undefined, path: string) {
  if (!attribution) return h('span', { className: 'cite none', 'data-source-of': path }, 'no source kept');
  const { title, quote } = attribution.source;
  return h(
    'details',
    { className: 'cite', 'data-source-of': path, title: [title, quote && `“${quote}”`].filter(Boolean).join('\n') },
    h('summary', {}, citationLabel(attribution)),
    h('div', { className: 'cite-body' }, sourceBlock(attribution.source), h('p', { className: 'meta' }, `confidence: ${attribution.confidence} · recorded ${attribution.recordedAt.slice(0, 10)}`)),
  );
}

/**
 * A figure that opens to its source: the figure itself is the control (`$630m`), its full value
 * in the tooltip; opened, it shows the source and the confidence. Without a kept source the
 * figure is shown plain, marked so.
 */
export function citedFigure(text: string, full: string, attribution: Attribution | null | undefined, path: string) {
  if (!attribution) return h('span', { className: 'figure', title: `${full} (no source kept for this figure)` }, text);
  return h(
    'details',
    { className: 'cite figure', 'data-figure-of': path, title: `${full} — ${citationLabel(attribution)}` },
    h('summary', {}, text),
    h('div', { className: 'cite-body' }, sourceBlock(attribution.source), h('p', { className: 'meta' }, `confidence: ${attribution.confidence} · recorded ${attribution.recordedAt.slice(0, 10)}`)),
  );
}
