import { describe, expect, it } from "vitest";
import { useBooking } from "../support/booking";

const { newUser, newFlight, hold, bookingCall, call: searchCall } = useBooking();

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
