// Server-Sent Events as the benchmarks read them: blocks separated by a blank line, each event's
// JSON on its `data:` line.

/**
 * The events complete in `buffer` (their `data:` parsed as JSON) and what is left of it, the
 * start of a block still arriving.
 */
export function takeEvents(buffer) {
  const events = [];
  let rest = buffer;
  let end;
  while ((end = rest.indexOf('\n\n')) >= 0) {
    const block = rest.slice(0, end);
    rest = rest.slice(end + 2);
    const data = block.split('\n').find((line) => line.startsWith('data: '));
    if (data) events.push(JSON.parse(data.slice(6)));
  }
  return { events, rest };
}
