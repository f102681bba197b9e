import { setTimeout as sleep } from "node:timers/promises";

/** What a load run saw. */
export interface LoadCounts {
  requests: number;
  creates: number;
  lists: number;
  /** Answers by HTTP status. */
  statuses: Map<number, number>;
  /** Answers that are neither a success nor a proper 503 (API error shape, `Retry-After`): the first 20. */
  unexpected: string[];
  /** Requests that got no HTTP answer at all (a refused or cut connection to the server). */
  networkErrors: number;
  /** Ids of every create the server acknowledged (200). */
  acked: Set<string>;
}

export interface RecordLoad {
  /**
   * How long after `t` a create that was sent after `t` first succeeded; Infinity when none did
   * within `limitMs` (or `stopWaiting()` said to give up, e.g. the server is gone).
   */
  firstWriteAfter(t: number, limitMs?: number, stopWaiting?: () => boolean): Promise<number>;
  stop(): Promise<LoadCounts>;
}

/** A proper "try again" answer: 503, the API's error shape, a message that says so, `Retry-After`. */
function isRetryable503(res: Response, text: string): boolean {
  if (res.status !== 503 || !res.headers.get("retry-after")) return false;
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    return (
      Object.keys(body).sort().join() === "data,message,status" &&
      body.status === 503 &&
      typeof body.message === "string" &&
      /try again/i.test(body.message)
    );
  } catch {
    return false;
  }
}

/**
 * `loops` clients, each creating a record in `collection` (which must let guests create and list)
 * and listing the newest ones, in turn, until stopped. Every acknowledged create id is kept, so a
 * test can check afterwards that none was lost.
 */
export function startRecordLoad(baseUrl: string, collection: string, loops: number): RecordLoad {
  const counts: LoadCounts = {
    requests: 0,
    creates: 0,
    lists: 0,
    statuses: new Map(),
    unexpected: [],
    networkErrors: 0,
    acked: new Set(),
  };
  /** [sentAt, doneAt] of each successful create, in the order they completed. */
  const successes: [number, number][] = [];
  const records = `${baseUrl}/api/collections/${collection}/records`;
  let running = true;

  const note = (what: string, res: Response, text: string) => {
    counts.requests++;
    counts.statuses.set(res.status, (counts.statuses.get(res.status) ?? 0) + 1);
    const fine = res.ok || isRetryable503(res, text);
    if (!fine && counts.unexpected.length < 20)
      counts.unexpected.push(
        `${what} ${res.status} retry-after=${res.headers.get("retry-after")} ${text.slice(0, 300)}`,
      );
  };

  const loop = async (id: number) => {
    for (let n = 0; running; n++) {
      const sentAt = Date.now();
      try {
        const res = await fetch(records, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ loop: id, n }),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await res.text();
        counts.creates++;
        note("create", res, text);
        if (res.status === 200) {
          counts.acked.add((JSON.parse(text) as { id: string }).id);
          successes.push([sentAt, Date.now()]);
        } else await sleep(50);
        const list = await fetch(`${records}?perPage=5&sort=-created`, {
          signal: AbortSignal.timeout(30_000),
        });
        counts.lists++;
        note("list", list, await list.text());
      } catch {
        counts.networkErrors++;
        await sleep(100);
      }
    }
  };
  const done = Promise.all(Array.from({ length: loops }, (_, i) => loop(i)));

  return {
    async firstWriteAfter(t, limitMs = 30_000, stopWaiting = () => false) {
      for (;;) {
        const hit = successes.find(([sent]) => sent >= t);
        if (hit) return hit[1] - t;
        if (Date.now() > t + limitMs || stopWaiting()) return Number.POSITIVE_INFINITY;
        await sleep(10);
      }
    },
    async stop() {
      running = false;
      await done;
      return counts;
    },
  };
}

/** Every record id of a collection, read page by page with a superuser's token. */
export async function storedIds(baseUrl: string, collection: string, token: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let page = 1; ; page++) {
    const res = await fetch(
      `${baseUrl}/api/collections/${collection}/records?perPage=1000&page=${page}&fields=id&skipTotal=1`,
      { headers: { authorization: token } },
    );
    if (!res.ok) throw new Error(`listing ${collection}: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { items: { id: string }[] };
    for (const item of body.items) ids.add(item.id);
    if (body.items.length < 1000) return ids;
  }
}
