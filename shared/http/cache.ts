import type { Context, MiddlewareHandler } from "hono";
import { etag } from "hono/etag";
import { inBackground } from "./background";

/**
 * Where a worker keeps answers it may serve again: the runtime's Cache API (`caches.open`: workerd,
 * Deno) where there is one, else a small in-process store (Node). Either way an entry lives
 * for its answer's max-age and no longer.
 */
interface AnswerStore {
  match(key: string): Promise<Response | undefined>;
  put(key: string, response: Response, seconds: number): Promise<void>;
}

/** In-process: a bounded map, oldest entries first out. */
class MemoryStore implements AnswerStore {
  private readonly entries = new Map<string, { until: number; status: number; headers: [string, string][]; body: ArrayBuffer }>();

  constructor(
    private readonly maxEntries = 2_000,
    private readonly maxBodyBytes = 256 * 1024,
  ) {}

  async match(key: string) {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return new Response(entry.body.slice(0), { status: entry.status, headers: entry.headers });
  }

  async put(key: string, response: Response, seconds: number) {
    const body = await response.arrayBuffer();
    if (body.byteLength > this.maxBodyBytes) return;
    this.entries.delete(key);
    while (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { until: Date.now() + seconds * 1000, status: response.status, headers: [...response.headers], body });
  }
}

/**
 * The runtime's Cache API. workerd's honours the stored answer's max-age; Deno's keeps an entry
 * until it is deleted (a store on disk that outlives the process), so each entry carries its
 * deadline and one found past it is dropped here, whatever the runtime.
 */
export class RuntimeStore implements AnswerStore {
  private cache: Promise<Cache> | undefined;

  constructor(private readonly storage: CacheStorage) {}

  private open() {
    this.cache ??= this.storage.open("airline-answers");
    return this.cache;
  }

  async match(key: string) {
    const cache = await this.open();
    const hit = await cache.match(key);
    if (!hit) return undefined;
    if (!(Number(hit.headers.get(KEPT_UNTIL)) > Date.now())) {
      // Not awaited: cancelling one branch of a tee'd body settles only once the other is cancelled.
      hit.body?.cancel().catch(() => {});
      await cache.delete(key);
      return undefined;
    }
    const answer = new Response(hit.body, hit);
    answer.headers.delete(KEPT_UNTIL);
    return answer;
  }

  async put(key: string, response: Response, seconds: number) {
    const kept = new Response(response.body, response);
    kept.headers.set(KEPT_UNTIL, String(Date.now() + seconds * 1000));
    await (await this.open()).put(key, kept);
  }
}

const KEPT_UNTIL = "x-kept-until";

let store: AnswerStore | undefined;
const answerStore = (): AnswerStore =>
  (store ??= typeof caches === "object" && caches && typeof caches.open === "function" ? new RuntimeStore(caches) : new MemoryStore());

/**
 * Keeps answers in this process's bounded store even where the runtime has a Cache API: what a host
 * whose Cache API is a store on disk without eviction (Deno outside Deno Deploy) calls at start-up.
 */
export function keepAnswersInProcess(): void {
  store = new MemoryStore();
}

const cacheControl = (seconds: number) => (seconds > 0 ? `public, max-age=${seconds}, stale-while-revalidate=${seconds * 3}` : "no-cache");

/**
 * Lets successful GET answers be kept for `seconds`: by browsers and any HTTP cache in front
 * (Cache-Control with stale-while-revalidate, and an ETag so revalidation is a 304), and by the
 * worker itself, which answers a repeated request (same URL: path and query, so different queries
 * never share an entry) from its store without touching the database (`X-Cache: hit`). These
 * answers never depend on the caller. Look-to-book traffic is mostly repeated searches;
 * availability may lag by at most `seconds`, and booking rechecks it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any worker's context
export function publicCache(seconds: number | ((c: Context<any>) => number)): MiddlewareHandler[] {
  const keep: MiddlewareHandler = async (c, next) => {
    const s = typeof seconds === "function" ? seconds(c) : seconds;
    if (c.req.method !== "GET" || s <= 0) {
      await next();
      if (c.req.method === "GET" && c.res.status === 200) c.res.headers.set("Cache-Control", cacheControl(s));
      return;
    }
    const key = c.req.url;
    // A client asking for a fresh answer (Cache-Control: no-cache) gets one, which is then kept.
    const fresh = /no-cache/i.test(c.req.header("cache-control") ?? "");
    const hit = fresh ? undefined : await answerStore().match(key).catch(() => undefined);
    if (hit) {
      const tag = hit.headers.get("ETag");
      const unchanged = tag !== null && c.req.header("if-none-match")?.split(",").some((t) => t.trim() === tag);
      c.res = unchanged ? new Response(null, { status: 304, headers: { ETag: tag, "Cache-Control": hit.headers.get("Cache-Control") ?? cacheControl(s) } }) : new Response(hit.body, hit);
      c.res.headers.set("X-Cache", "hit");
      return;
    }
    await next();
    if (c.res.status !== 200) return;
    c.res.headers.set("Cache-Control", cacheControl(s));
    // A store that fails to write only costs a later miss.
    inBackground(c, "keep an answer", answerStore().put(key, c.res.clone(), s).catch(() => {}));
    c.res.headers.set("X-Cache", "miss");
  };
  return [keep, etag()];
}
