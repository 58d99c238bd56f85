import { beforeAll, describe, expect, it } from "vitest";
import { THREE_CABINS, useFlightFixture } from "../support/catalog";

// Public, like every search read: there is nothing to refuse.
const { call, airport, airplane, flight, takeSeats, flightInput } = useFlightFixture();

const seatMap = async (flightId: string) => (await call("GET", `/api/v1/flights/${flightId}/seats`)).body.data;

beforeAll(async () => {
  await airport("SGA", "UTC");
  await airport("SGB", "UTC");
});

describe("happy", () => {
  it("a cabin not on sale (price alone is the economy fare) shows its seats, none available, and no price", async () => {
    const plane = await airplane(THREE_CABINS);
    const f = await flight({ airplaneId: plane.id, from: "SGA", to: "SGB", departureTime: "2030-01-02T10:00:00Z", arrivalTime: "2030-01-02T12:00:00Z" });
    expect(f.prices).toEqual({ economy: { amount: 10000, currency: "INR" } });
    expect(f.seatsAvailable).toBe(18);
    const map = await seatMap(f.id);
    expect(map.cabins[0]).toMatchObject({ cabin: "first", price: null });
    expect(map.cabins[0].rows[0].seats.every((s: { available: boolean }) => !s.available)).toBe(true);
  });

  it("a flight gets one seat per place, cabins front to back, rows continuous", async () => {
    const plane = await airplane(THREE_CABINS);
    const f = await flight({
      airplaneId: plane.id,
      from: "SGA",
      to: "SGB",
      departureTime: "2030-01-01T10:00:00Z",
      arrivalTime: "2030-01-01T12:00:00Z",
      prices: { economy: { amount: 5000, currency: "INR" }, business: { amount: 16000, currency: "INR" }, first: { amount: 32000, currency: "INR" } },
    });
    expect(f.seatsAvailable).toBe(28);

    const map = await seatMap(f.id);
    expect(map.cabins.map((c: { cabin: string }) => c.cabin)).toEqual(["first", "business", "economy"]);
    expect(map.cabins.map((c: { price: { amount: number } }) => c.price.amount)).toEqual([32000, 16000, 5000]);
    const rowsOf = (i: number) => map.cabins[i].rows.map((r: { row: number }) => r.row);
    expect([rowsOf(0), rowsOf(1), rowsOf(2)]).toEqual([[1], [2, 3], [4, 5, 6]]);
    expect(map.cabins[0].rows[0].seats).toEqual([
      { seat: "1A", available: true },
      { seat: "1B", available: true },
    ]);
    expect(map.cabins[2].rows[0].seats.map((s: { seat: string }) => s.seat)).toEqual(["4A", "4B", "4C", "4D", "4E", "4F"]);
  });

  it("a seat is taken while sold or held, and free again once its hold has expired", async () => {
    const f = await flight(flightInput());
    await takeSeats(f.id, 3, null); // sold
    await takeSeats(f.id, 2, new Date(Date.now() + 60_000)); // held
    await takeSeats(f.id, 4, new Date(Date.now() - 1_000)); // hold expired, not yet cleaned up
    const map = await seatMap(f.id);
    const free = map.cabins.flatMap((c: any) => c.rows.flatMap((r: any) => r.seats)).filter((s: any) => s.available);
    expect(free).toHaveLength(15);
    const all = map.cabins.flatMap((c: any) => c.rows.flatMap((r: any) => r.seats));
    expect(all.every((s: any) => typeof s.available === "boolean")).toBe(true);
  });
});

describe("errors", () => {
  it("404 for an unknown flight, 400 for a malformed id", async () => {
    expect((await call("GET", `/api/v1/flights/${crypto.randomUUID()}/seats`)).status).toBe(404);
    expect((await call("GET", "/api/v1/flights/12/seats")).status).toBe(400);
  });
});
