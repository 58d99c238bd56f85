import { describe, expect, it } from "vitest";
import { RuntimeStore } from "../../shared/http/cache";

/** A Cache API that keeps every entry until it is deleted, whatever its max-age: Deno's. */
function keepForeverStorage() {
  const entries = new Map<string, Response>();
  const cache = {
    async match(key: string) {
      return entries.get(key)?.clone();
    },
    async put(key: string, response: Response) {
      entries.set(key, new Response(await response.arrayBuffer(), response));
    },
    async delete(key: string) {
      return entries.delete(key);
    },
  };
  return { entries, storage: { open: async () => cache } as unknown as CacheStorage };
}

describe("the runtime's Cache API as the answer store", () => {
  it("serves an answer for its max-age, then drops it even where the runtime would keep it", async () => {
    const { entries, storage } = keepForeverStorage();
    const store = new RuntimeStore(storage);
    await store.put("http://search/flights?x=1", new Response("answer", { headers: { "cache-control": "public, max-age=1", etag: '"a"' } }), 0.2);

    const hit = await store.match("http://search/flights?x=1");
    expect(await hit?.text()).toBe("answer");
    expect(hit?.headers.get("etag")).toBe('"a"');
    expect(hit?.headers.has("x-kept-until")).toBe(false);

    await new Promise((r) => setTimeout(r, 250));
    expect(await store.match("http://search/flights?x=1")).toBeUndefined();
    expect(entries.size).toBe(0);
  });

  it("treats an entry without a deadline (written by an older version) as expired", async () => {
    const { entries, storage } = keepForeverStorage();
    entries.set("http://search/old", new Response("stale"));
    expect(await new RuntimeStore(storage).match("http://search/old")).toBeUndefined();
  });
});
