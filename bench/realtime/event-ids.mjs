// How the fan-out benchmark names its records, so a subscriber can tell which write an event is
// without parsing JSON: the writer picks each record id as "f" + run letter + 13-digit write index
// (15 characters of [a-z0-9], a valid record id), and every process reads the same monotonic clock.

/** What precedes a benchmark record id in an event's data. */
export const ID_MARKER = '"id":"f';

/** The id of write `index` of run `run` (one letter a–z). */
export function eventId(run, index) {
  return `f${run}${String(index).padStart(13, "0")}`;
}

/** The write index of the id at `markerAt` in `text`, or -1 when it belongs to another run. */
export function eventIndexOf(text, markerAt, run) {
  const at = markerAt + ID_MARKER.length;
  if (text.charCodeAt(at) !== run.charCodeAt(0)) return -1;
  const index = Number(text.slice(at + 1, at + 14));
  return Number.isInteger(index) ? index : -1;
}

/** Milliseconds on CLOCK_MONOTONIC, which every process of the machine shares (unlike performance.now()). */
export function monotonicMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}
