import { describe, expect, it } from "vitest";
import { useCatalog } from "../support/catalog";

// Repeated searches are answered by the search worker from its store (in-process on Node, the
// Cache API in workerd), for SEARCH_CACHE_SECONDS at most, keyed by the whole URL.
const { call, env, airport, airplane, flight, takeSeats } = useCatalog();

let airports = 0;
const code = () => `Q${String.fromCharCode(65 + Math.floor(airports / 26), 65 + (airports++ % 26))}`;

async function fixture() {
  const from = code();
  const to = code();
  await airport(from, "Asia/Kolkata");
  await airport(to, "Asia/Kolkata");
  const plane = await airplane([{ cabin: "economy", rows: 2, seatsPerRow: 2 }]);
  // 06:00 UTC is the same calendar day in Asia/Kolkata, which `date` is about.
  const departure = new Date(`${new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10)}T06:00:00Z`);
  const f = await flight({ airplaneId: plane.id, from, to, departureTime: departure.toISOString(), arrivalTime: new Date(departure.getTime() + 3_600_000).toISOString() });
  return { f, from, to, date: departure.toISOString().slice(0, 10) };
}

describe("the search worker's answer store", () => {
  it("answers a repeated search from the store until SEARCH_CACHE_SECONDS pass, then from the database", async () => {
    env.SEARCH_CACHE_SECONDS = "1";
    const { f, from, to, date } = await fixture();
    const path = `/api/v1/flights?from=${from}&to=${to}&date=${date}`;
    const first = await call("GET", path);
    expect(first.headers.get("x-cache")).toBe("miss");
    expect(first.body.data[0].seatsAvailable).toBe(4);
    await takeSeats(f.id, 3, null);
    const again = await call("GET", path);
    expect(again.headers.get("x-cache")).toBe("hit");
    expect(again.text).toBe(first.text);
    expect(again.headers.get("etag")).toBe(first.headers.get("etag"));
    await new Promise((r) => setTimeout(r, 1_100));
    const later = await call("GET", path);
    expect(later.headers.get("x-cache")).toBe("miss");
    expect(later.body.data[0].seatsAvailable).toBe(1);
    env.SEARCH_CACHE_SECONDS = "10";
  });

  it("never shares an entry between different queries, or with a flight's seat map", async () => {
    const { f, from, to, date } = await fixture();
    await call("GET", `/api/v1/flights?from=${from}&to=${to}&date=${date}`);
    const otherSort = await call("GET", `/api/v1/flights?from=${from}&to=${to}&date=${date}&sort=-price`);
    expect(otherSort.headers.get("x-cache")).toBe("miss");
    await call("GET", `/api/v1/flights/${f.id}`);
    const seats = await call("GET", `/api/v1/flights/${f.id}/seats`);
    expect(seats.headers.get("x-cache")).toBe("miss");
    expect(seats.body.data.flightId).toBe(f.id);
  });

  it("answers If-None-Match from the store with 304; Cache-Control: no-cache gets a fresh answer", async () => {
    const { f } = await fixture();
    const path = `/api/v1/flights/${f.id}`;
    const first = await call("GET", path);
    const tag = first.headers.get("etag")!;
    const revalidated = await call("GET", path, { headers: { "if-none-match": tag } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get("x-cache")).toBe("hit");
    await takeSeats(f.id, 1, null);
    const fresh = await call("GET", path, { headers: { "cache-control": "no-cache" } });
    expect(fresh.headers.get("x-cache")).toBe("miss");
    expect(fresh.body.data.seatsAvailable).toBe(first.body.data.seatsAvailable - 1);
  });

  it("keeps neither errors nor anything but GET", async () => {
    const bad = "/api/v1/flights?passengers=99";
    expect((await call("GET", bad)).status).toBe(400);
    const again = await call("GET", bad);
    expect(again.status).toBe(400);
    expect(again.headers.get("x-cache")).toBeNull();
    expect((await call("GET", "/api/v1/flights/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await call("GET", "/api/v1/flights/00000000-0000-4000-8000-000000000000")).headers.get("x-cache")).toBeNull();
  });
});
