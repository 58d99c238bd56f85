import { describe, expect, it } from "vitest";
import { useBooking } from "../support/booking";
import { expectSignInRequired } from "../support/security";

const { newUser, newFlight, hold, bookingCall: call, refusedCallers } = useBooking();

describe("happy", () => {
  it("lists only the caller's bookings, newest first, page by page", async () => {
    const me = await newUser();
    const other = await newUser();
    const flight = await newFlight(3, 4);
    const mine: string[] = [];
    for (let i = 0; i < 5; i++) mine.push((await hold(me.accessToken, flight.id, [{ name: `M${i}` }])).body.data.id);
    await hold(other.accessToken, flight.id, [{ name: "O" }]);

    const seen: string[] = [];
    let next: string | null = null;
    do {
      const page: any = await call("GET", `/api/v1/bookings?limit=2${next ? `&cursor=${next}` : ""}`, { token: me.accessToken });
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((b: { id: string }) => b.id));
      next = page.body.page.next;
    } while (next);
    expect(seen).toEqual([...mine].reverse());
  });
});

describe("errors", () => {
  it("a cursor it did not issue is 400", async () => {
    const { accessToken } = await newUser();
    const res = await call("GET", "/api/v1/bookings?cursor=nonsense", { token: accessToken });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe("query.cursor");
  });
});

describe("security", () => {
  it("without a token, or with an expired or forged one, is 401", async () => {
    await expectSignInRequired((token) => call("GET", "/api/v1/bookings", { token }), await refusedCallers());
  });
});
