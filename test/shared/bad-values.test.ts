import { describe, expect, it } from "vitest";
import { useBooking } from "../support/booking";

const { db, newUser, newAdmin, newFlight, hold, bookingCall, call: searchCall } = useBooking();

const b64url = (text: string) => btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
/** A cursor shaped like the real ones (right sort signature), with values of the wrong type. */
const forged = (signature: string, values: unknown[]) => b64url(JSON.stringify({ s: signature, v: values }));

describe("values no database column can take", () => {
  it("a NUL or half a surrogate pair anywhere in a JSON body is 400 naming the field, and nothing is stored", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(2, 2);
    for (const name of ["A\u0000B", "\ud800x", "x\udfff"]) {
      const res = await hold(accessToken, flight.id, [{ name }]);
      expect(res.status, res.text).toBe(400);
      expect(res.body.error).toMatchObject({ code: "VALIDATION_FAILED", details: [{ path: "passengers.0.name" }] });
    }
    const ok = await hold(accessToken, flight.id, [{ name: "😀 Asha" }]);
    expect(ok.status).toBe(201);
    expect(ok.body.data.passengers[0].name).toBe("😀 Asha");
  });

  it("a forged cursor whose values are not a timestamp or an id is 400, not 500", async () => {
    const { accessToken } = await newUser();
    const bookings = await bookingCall("GET", `/api/v1/bookings?cursor=${forged("-createdAt", ["not a time", "not an id"])}`, { token: accessToken });
    expect(bookings.status, bookings.text).toBe(400);
    expect(bookings.body.error.code).toBe("VALIDATION_FAILED");

    for (const list of ["cities", "airports", "airplanes"]) {
      const res = await searchCall("GET", `/api/v1/${list}?cursor=${b64url("no\u0000such key")}`);
      expect(res.status, `${list}: ${res.text}`).toBe(400);
    }
    const cities = await searchCall("GET", `/api/v1/cities?cursor=${b64url("not-a-uuid")}`);
    expect(cities.status, cities.text).toBe(400);
  });
});

describe("hostile shapes and sizes (the attacker at the edge)", () => {
  it("a body nested 20,000 arrays or 8,000 objects deep is 400, not a stack overflow", async () => {
    const { accessToken } = await newUser();
    const arrays = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
    const objects = `${'{"a":'.repeat(8_000)}1${"}".repeat(8_000)}`;
    for (const body of [arrays, objects, `{"flightId":"x","passengers":${arrays}}`]) {
      const res = await bookingCall("POST", "/api/v1/bookings", { token: accessToken, body });
      expect(res.status, res.text.slice(0, 200)).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_FAILED");
    }
  });

  it("hand-made cursors with huge numbers (1e20, 1e999) are 400 on every list", async () => {
    const { accessToken } = await newUser();
    const flight = await newFlight(2, 2);
    const day = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const cursors = [
      forged("price,id", [1e20, flight.id]),
      b64url(`{"k":"price,id","v":[1e999,"${flight.id}"]}`),
      forged("price,id", [-0, flight.id]),
      forged("price,id", ["NaN", flight.id]),
      forged("departureTime,id", ["0001-01-01T00:00:00.000Z", "x"]),
      "%%%",
      b64url("[]"),
    ];
    for (const cursor of cursors) {
      const q = encodeURIComponent(cursor);
      const lists = [
        searchCall("GET", `/api/v1/flights?sort=price&cursor=${q}`),
        searchCall("GET", `/api/v1/itineraries?from=BKA&to=BKB&date=${day}&sort=price&cursor=${q}`),
        bookingCall("GET", `/api/v1/bookings?cursor=${q}`, { token: accessToken }),
        searchCall("GET", `/api/v1/airports?cursor=${q}`),
      ];
      for (const res of await Promise.all(lists)) {
        expect(res.status, `${cursor}: ${res.text}`).toBe(400);
        expect(res.body.error.details[0].path).toBe("query.cursor");
      }
    }
  });

  it("timestamps outside 1970..9999 are 400, and nothing is stored as another instant", async () => {
    const admin = await newAdmin();
    const plane = (await newFlight(1, 1)).airplaneId;
    const at = (departureTime: string, arrivalTime: string) =>
      searchCall("POST", "/api/v1/flights", {
        token: admin.accessToken,
        body: { flightNumber: "ZZ 1", airplaneId: plane, from: "BKA", to: "BKB", departureTime, arrivalTime, price: { amount: 1, currency: "INR" } },
      });
    for (const [departure, arrival] of [
      ["0001-01-01T00:00:00+14:00", "0001-01-01T02:00:00+14:00"],
      ["0001-01-01T10:00:00Z", "0001-01-01T12:00:00Z"],
      ["1969-12-31T23:00:00Z", "1970-01-01T01:00:00Z"],
      ["9999-12-31T23:00:00-05:00", "9999-12-31T23:30:00-05:00"],
      ["9999-12-31T01:00:00Z", "9999-12-31T02:00:00Z"],
    ]) {
      const res = await at(departure!, arrival!);
      expect(res.status, `${departure}: ${res.text}`).toBe(400);
    }
    // A flight longer than 48 hours is a typo, not a flight.
    expect((await at("2031-01-01T00:00:00Z", "2031-01-04T00:00:00Z")).status).toBe(400);
    const [count] = await db.sql()`select count(*)::int as n from flights where flight_number = 'ZZ 1'`;
    expect(count?.n).toBe(0);
    // The last accepted instant is stored as sent.
    const last = await at("9999-12-30T20:00:00Z", "9999-12-30T22:00:00Z");
    expect(last.status, last.text).toBe(201);
    expect(Date.parse(last.body.data.departureTime)).toBe(Date.parse("9999-12-30T20:00:00Z"));
    expect(last.body.data.departureTime).toBe("9999-12-31T01:30:00+05:30");
    expect((await searchCall("GET", "/api/v1/flights?date=0001-01-01")).status).toBe(400);
    expect((await searchCall("GET", "/api/v1/flights?date=9999-12-30")).status).toBe(200);
  });

  it("deleting a flight whose only booking was cancelled is 409, never 500; the booking is kept", async () => {
    const admin = await newAdmin();
    const { accessToken } = await newUser();
    const flight = await newFlight(1, 2);
    const booking = (await hold(accessToken, flight.id, [{ name: "A" }])).body.data;
    expect((await bookingCall("POST", `/api/v1/bookings/${booking.id}/cancel`, { token: accessToken })).status).toBe(200);
    const res = await searchCall("DELETE", `/api/v1/flights/${flight.id}`, { token: admin.accessToken });
    expect(res.status, res.text).toBe(409);
    expect(res.body.error.code).toBe("INVALID_STATE");
    const [kept] = await db.sql()`select status from bookings where id = ${booking.id}`;
    expect(kept?.status).toBe("cancelled");
  });
});
