import { beforeAll, describe, expect, it } from "vitest";
import { useCatalog } from "../support/catalog";

// Public, like every search read: there is nothing to refuse.
const { call, airport, airplane, flight, takeSeats } = useCatalog();

const ids: Record<string, string> = {};

beforeAll(async () => {
  for (const code of ["AAX", "BBX", "CCX"]) await airport(code, "UTC");
  const plane = (await airplane([{ cabin: "economy", rows: 2, seatsPerRow: 2 }])).id;
  const add = async (name: string, from: string, to: string, dep: string, arr: string, amount: number, currency = "INR") => {
    ids[name] = (await flight({ airplaneId: plane, from, to, departureTime: dep, arrivalTime: arr, price: { amount, currency } })).id;
  };
  await add("direct", "AAX", "CCX", "2030-06-01T08:00:00Z", "2030-06-01T12:00:00Z", 500);
  await add("morning", "AAX", "BBX", "2030-06-01T06:00:00Z", "2030-06-01T08:00:00Z", 100);
  await add("after44m", "BBX", "CCX", "2030-06-01T08:44:00Z", "2030-06-01T09:30:00Z", 10);
  await add("after45m", "BBX", "CCX", "2030-06-01T08:45:00Z", "2030-06-01T10:00:00Z", 150);
  await add("after12h", "BBX", "CCX", "2030-06-01T20:00:00Z", "2030-06-01T21:00:00Z", 120);
  await add("after12h1m", "BBX", "CCX", "2030-06-01T20:01:00Z", "2030-06-01T21:00:00Z", 10);
  await add("inDollars", "BBX", "CCX", "2030-06-01T09:00:00Z", "2030-06-01T10:00:00Z", 10, "USD");
  await add("evening", "AAX", "BBX", "2030-06-01T22:00:00Z", "2030-06-01T23:30:00Z", 90);
  await add("overnight", "BBX", "CCX", "2030-06-02T02:00:00Z", "2030-06-02T03:00:00Z", 80);
  await add("nextDay", "AAX", "BBX", "2030-06-02T06:00:00Z", "2030-06-02T08:00:00Z", 1);
});

const itineraries = async (query: string) => {
  const res = await call("GET", `/api/v1/itineraries?from=AAX&to=CCX&date=2030-06-01&${query}`);
  expect(res.status, res.text).toBe(200);
  return res.body as { data: any[]; page: { next: string | null } };
};
const names = (body: { data: { legs: { id: string }[] }[] }) =>
  body.data.map((it) => it.legs.map((leg) => Object.keys(ids).find((k) => ids[k] === leg.id)).join("+"));

describe("happy", () => {
  it("offers direct flights and connections of 45 minutes to 12 hours, overnight too, in one currency", async () => {
    expect(names(await itineraries("sort=price"))).toEqual(["evening+overnight", "morning+after12h", "morning+after45m", "direct"]);
  });

  it("totals price and duration and reports the layover", async () => {
    const [first] = (await itineraries("sort=price")).data;
    expect(first).toMatchObject({
      from: "AAX",
      to: "CCX",
      stops: 1,
      departureTime: "2030-06-01T22:00:00+00:00",
      arrivalTime: "2030-06-02T03:00:00+00:00",
      durationMinutes: 300,
      layoverMinutes: 150,
      price: { amount: 170, currency: "INR" },
      seatsAvailable: 4,
    });
    expect(first.legs.map((l: { flightNumber: string }) => l.flightNumber)).toHaveLength(2);
  });

  it("sorts like the flight search", async () => {
    expect(names(await itineraries("sort=departureTime,arrivalTime"))).toEqual([
      "morning+after45m",
      "morning+after12h",
      "direct",
      "evening+overnight",
    ]);
    expect(names(await itineraries("sort=duration,price"))).toEqual(["morning+after45m", "direct", "evening+overnight", "morning+after12h"]);
  });

  it("maxStops=0 gives direct flights only", async () => {
    expect(names(await itineraries("maxStops=0"))).toEqual(["direct"]);
  });

  it("needs seats for every passenger on both legs", async () => {
    await takeSeats(ids.after45m!, 3, null);
    expect(names(await itineraries("sort=price&passengers=2"))).toEqual(["evening+overnight", "morning+after12h", "direct"]);
    expect(names(await itineraries("sort=price&passengers=1"))).toContain("morning+after45m");
  });

  it("pages through every itinerary once", async () => {
    const all = names(await itineraries("sort=-price&limit=100"));
    const walked: string[] = [];
    let next: string | null = null;
    do {
      const page: { data: any[]; page: { next: string | null } } = await itineraries(`sort=-price&limit=1${next ? `&cursor=${next}` : ""}`);
      walked.push(...names(page));
      next = page.page.next;
    } while (next);
    expect(walked).toEqual(all);
  });
});

describe("errors", () => {
  it("requires from, to and date, and a maxStops of 0 or 1", async () => {
    const missing = await call("GET", "/api/v1/itineraries?from=AAX");
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(["query.date", "query.to"]);
    expect((await call("GET", "/api/v1/itineraries?from=AAX&to=CCX&date=2030-06-01&maxStops=2")).status).toBe(400);
  });
});
