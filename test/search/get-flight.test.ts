import { describe, expect, it } from "vitest";
import { useFlightFixture } from "../support/catalog";

// Public, like every search read: there is nothing to refuse.
const { call, flight, takeSeats, flightInput } = useFlightFixture();

describe("happy", () => {
  it("counts live holds and sales, but not expired holds", async () => {
    const f = await flight(flightInput());
    await takeSeats(f.id, 3, null); // sold
    await takeSeats(f.id, 2, new Date(Date.now() + 60_000)); // held
    await takeSeats(f.id, 4, new Date(Date.now() - 1_000)); // hold expired, not yet cleaned up
    const res = await call("GET", `/api/v1/flights/${f.id}`);
    expect(res.body.data.seatsAvailable).toBe(20 - 3 - 2);
  });
});

describe("errors", () => {
  it("404 for an unknown id, 400 for a malformed one", async () => {
    expect((await call("GET", `/api/v1/flights/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await call("GET", "/api/v1/flights/12")).status).toBe(400);
  });
});
