/**
 * Taking a view away: CSV of the state on the date or of the comparison (the
 * API's streamed exports, asked for with `Accept: text/csv` and the tab's key),
 * PNG of the timeline (html-to-image, bundled) and of each chart (its canvas),
 * and a permalink: the page's URL, which holds everything on screen.
 */
import { toPng } from 'html-to-image';
import { authHeaders, errorOf, url } from './api';

type Query = Record<string, string | undefined>;

function save(href: string, filename: string): void {
  const link = document.createElement('a');
  link.href = href;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
}

/** Downloads one of the API's CSV exports under the name the API gives it. */
export async function downloadCsv(path: string, query: Query, fallbackName: string): Promise<void> {
  const response = await fetch(url(path, query), { headers: { Accept: 'text/csv', ...authHeaders() } });
  if (!response.ok) throw await errorOf(response);
  const named = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1];
  const blob = await response.blob();
  const href = URL.createObjectURL(blob);
  save(href, named ?? fallbackName);
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

/** A PNG of an element as drawn, on white. */
export async function downloadPng(element: HTMLElement, filename: string): Promise<void> {
  const canvas = element instanceof HTMLCanvasElement ? element : undefined;
  const href = canvas ? canvasPng(canvas) : await toPng(element, { backgroundColor: '#ffffff', pixelRatio: 1, cacheBust: false });
  save(href, filename);
}

function canvasPng(canvas: HTMLCanvasElement): string {
  // The chart's canvas is transparent: paint it on white.
  const copy = document.createElement('canvas');
  copy.width = canvas.width;
  copy.height = canvas.height;
  const context = copy.getContext('2d')!;
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, copy.width, copy.height);
  context.drawImage(canvas, 0, 0);
  return copy.toDataURL('image/png');
}
