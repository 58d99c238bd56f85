import { beforeAll, describe, expect, it } from "vitest";
import { useCatalog } from "../support/catalog";

const { call, airport, airplane, flight, takeSeats } = useCatalog();

// DEL → BOM on 2030-05-10 (India, UTC+05:30), each with a known price, time and duration.
const day = [
  { n: "AA 1", dep: "2030-05-10T00:30:00Z", mins: 130, price: 5000 }, // 06:00 local
  { n: "AA 2", dep: "2030-05-10T03:30:00Z", mins: 120, price: 3000 }, // 09:00
  { n: "AA 3", dep: "2030-05-10T06:30:00Z", mins: 150, price: 3000 }, // 12:00
  { n: "AA 4", dep: "2030-05-10T11:30:00Z", mins: 125, price: 8000 }, // 17:00
  { n: "AA 5", dep: "2030-05-10T15:30:00Z", mins: 140, price: 4000 }, // 21:00
];
const ids = new Map<string, string>();
const iso = (dep: string, mins: number) => new Date(Date.parse(dep) + mins * 60_000).toISOString();

beforeAll(async () => {
  await airport("DEL", "Asia/Kolkata");
  await airport("BOM", "Asia/Kolkata");
  await airport("JFK", "America/New_York");
  const plane = await airplane([{ cabin: "economy", rows: 2, seatsPerRow: 2 }]);
  for (const f of day) {
    const created = await flight({
      flightNumber: f.n,
      airplaneId: plane.id,
      from: "DEL",
      to: "BOM",
      departureTime: f.dep,
      arrivalTime: iso(f.dep, f.mins),
      price: { amount: f.price, currency: "INR" },
    });
    ids.set(f.n, created.id);
  }
  // 20:00 UTC on the 9th is 01:30 on the 10th in Delhi: a flight of the 10th.
  const lateNight = await flight({
    flightNumber: "AA 6",
    airplaneId: plane.id,
    from: "DEL",
    to: "BOM",
    departureTime: "2030-05-09T20:00:00Z",
    arrivalTime: "2030-05-09T21:50:00Z", // 110 minutes
    price: { amount: 2000, currency: "INR" },
  });
  ids.set("AA 6", lateNight.id);
  // 23:30 on the 10th in New York is the 11th in UTC: still a flight of the 10th from JFK.
  const fromNewYork = await flight({
    flightNumber: "AA 7",
    airplaneId: plane.id,
    from: "JFK",
    to: "BOM",
    departureTime: "2030-05-11T03:30:00Z",
    arrivalTime: "2030-05-11T20:00:00Z",
    price: { amount: 90000, currency: "USD" },
  });
  ids.set("AA 7", fromNewYork.id);
});

const search = async (query: string) => {
  const res = await call("GET", `/api/v1/flights?${query}`);
  expect(res.status, res.text).toBe(200);
  return res.body as { data: { flightNumber: string; id: string }[]; page: { next: string | null } };
};
const numbers = (body: { data: { flightNumber: string }[] }) => body.data.map((f) => f.flightNumber);

describe("happy", () => {
  it("date is the departure airport's local day", async () => {
    expect(numbers(await search("from=DEL&to=BOM&date=2030-05-10"))).toEqual(["AA 6", "AA 1", "AA 2", "AA 3", "AA 4", "AA 5"]);
    expect(numbers(await search("from=DEL&to=BOM&date=2030-05-09"))).toEqual([]);
    expect(numbers(await search("from=jfk&date=2030-05-10"))).toEqual(["AA 7"]);
    expect(numbers(await search("from=JFK&date=2030-05-11"))).toEqual([]);
  });

  it("sorts by price, then by the next key, and descending with -", async () => {
    expect(numbers(await search("from=DEL&date=2030-05-10&sort=price,departureTime"))).toEqual(["AA 6", "AA 2", "AA 3", "AA 5", "AA 1", "AA 4"]);
    expect(numbers(await search("from=DEL&date=2030-05-10&sort=price,-departureTime"))).toEqual(["AA 6", "AA 3", "AA 2", "AA 5", "AA 1", "AA 4"]);
    expect(numbers(await search("from=DEL&date=2030-05-10&sort=-duration"))).toEqual(["AA 3", "AA 5", "AA 1", "AA 4", "AA 2", "AA 6"]);
    expect(numbers(await search("from=DEL&date=2030-05-10&sort=-arrivalTime"))).toEqual(["AA 5", "AA 4", "AA 3", "AA 2", "AA 1", "AA 6"]);
  });

  it("filters by price, local time of day and duration", async () => {
    expect(numbers(await search("from=DEL&date=2030-05-10&minPrice=3000&maxPrice=4000"))).toEqual(["AA 2", "AA 3", "AA 5"]);
    expect(numbers(await search("from=DEL&date=2030-05-10&departAfter=09:00&departBefore=17:00"))).toEqual(["AA 2", "AA 3", "AA 4"]);
    expect(numbers(await search("from=DEL&date=2030-05-10&maxDurationMinutes=125"))).toEqual(["AA 6", "AA 2", "AA 4"]);
  });

  it("never lists a flight with fewer seats than passengers; expired holds do not count", async () => {
    await takeSeats(ids.get("AA 2")!, 2, new Date(Date.now() + 600_000)); // 2 of 4 held
    await takeSeats(ids.get("AA 3")!, 3, new Date(Date.now() - 1_000)); // 3 held, but expired
    await takeSeats(ids.get("AA 4")!, 4, null); // sold out
    expect(numbers(await search("from=DEL&date=2030-05-10"))).not.toContain("AA 4");
    expect(numbers(await search("from=DEL&date=2030-05-10&passengers=3"))).toEqual(["AA 6", "AA 1", "AA 3", "AA 5"]);
    expect(numbers(await search("from=DEL&date=2030-05-10&passengers=2"))).toContain("AA 2");
  });

  it("pages with a cursor: every flight once, in order, whatever the sort", async () => {
    for (const sort of ["departureTime", "price,-duration", "-price"]) {
      const all = numbers(await search(`from=DEL&date=2030-05-10&sort=${sort}&limit=100`));
      const walked: string[] = [];
      let next: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof search>> = await search(
          `from=DEL&date=2030-05-10&sort=${sort}&limit=2${next ? `&cursor=${next}` : ""}`,
        );
        walked.push(...numbers(page));
        next = page.page.next;
      } while (next);
      expect(walked).toEqual(all);
    }
  });

  it("does not offer a flight that has already departed", async () => {
    const plane = (await call("GET", `/api/v1/flights/${ids.get("AA 1")}`)).body.data.airplaneId;
    const past = await flight({
      flightNumber: "AA 0",
      airplaneId: plane,
      from: "DEL",
      to: "BOM",
      departureTime: "2020-05-10T03:30:00Z",
      arrivalTime: "2020-05-10T05:30:00Z",
    });
    expect(numbers(await search("from=DEL&to=BOM&date=2020-05-10"))).toEqual([]);
    expect((await call("GET", `/api/v1/flights/${past.id}`)).status).toBe(200);
  });

  it("answers with Cache-Control and an ETag that revalidates to 304", async () => {
    const res = await call("GET", "/api/v1/flights?from=DEL&date=2030-05-10");
    expect(res.headers.get("cache-control")).toBe("public, max-age=10, stale-while-revalidate=30");
    const etag = res.headers.get("etag");
    expect(etag).toBeTruthy();
    const again = await call("GET", "/api/v1/flights?from=DEL&date=2030-05-10", { headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
  });
});

describe("errors", () => {
  it("validates every parameter", async () => {
    const bad = async (query: string, path: string) => {
      const res = await call("GET", `/api/v1/flights?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_FAILED");
      expect(res.body.error.details[0].path).toBe(path);
    };
    await bad("sort=cheapest", "query.sort");
    await bad("sort=price,price", "query.sort");
    await bad("date=10-05-2030", "query.date");
    await bad("from=DE", "query.from");
    await bad("passengers=0", "query.passengers");
    await bad("passengers=10", "query.passengers");
    await bad("departAfter=25:00", "query.departAfter");
    await bad("minPrice=500&maxPrice=100", "query.maxPrice");
    await bad("limit=0", "query.limit");
    await bad("cursor=nonsense", "query.cursor");
    const other = await search("from=DEL&date=2030-05-10&limit=1&sort=price");
    await bad(`from=DEL&date=2030-05-10&limit=1&sort=duration&cursor=${other.page.next}`, "query.cursor");
  });
});

describe("security", () => {
  it("treats hostile input as data", async () => {
    const res = await call("GET", "/api/v1/flights?from=DEL&sort=price%3B%20drop%20table%20flights");
    expect(res.status).toBe(400);
    expect(numbers(await search("from=DEL&date=2030-05-10&limit=1"))).toHaveLength(1);
  });
});
