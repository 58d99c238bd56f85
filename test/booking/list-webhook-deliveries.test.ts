import { describe, expect, it } from "vitest";
import { useBooking } from "../support/booking";
import { walkPages } from "../support/client";
import { expectAdminOnly } from "../support/security";
import { insertDelivery, insertEndpoint } from "../support/webhooks";

const { db, newAdmin, bookingCall: call, refusedCallers } = useBooking();

describe("happy", () => {
  it("an endpoint's log, newest first, page by page, only its own", async () => {
    const admin = await newAdmin();
    const id = await insertEndpoint(db.sql());
    const other = await insertEndpoint(db.sql());
    const mine = [];
    for (const state of ["delivered", "failed", "pending", "sending", "delivered"] as const) {
      mine.push(await insertDelivery(db.sql(), id, state));
      await new Promise((r) => setTimeout(r, 3)); // distinct created_at (milliseconds)
    }
    await insertDelivery(db.sql(), other);
    const log = await walkPages(call, `/api/v1/webhooks/${id}/deliveries`, 2, admin.accessToken);
    expect(log.map((d) => d.id)).toEqual(mine.map((d) => d.id).reverse());
    expect(log.map((d) => d.state)).toEqual(["delivered", "sending", "pending", "failed", "delivered"]);
    expect(log[2]).toMatchObject({ eventId: mine[2]!.eventId, eventType: "bookings.held", attempts: 1 });
    expect(log[2].nextAttemptAt).not.toBeNull();
    expect(log[0].nextAttemptAt).toBeNull();
  });
});

describe("errors", () => {
  it("an unknown endpoint is 404; a bad cursor 400", async () => {
    const admin = await newAdmin();
    expect((await call("GET", `/api/v1/webhooks/${crypto.randomUUID()}/deliveries`, { token: admin.accessToken })).status).toBe(404);
    const id = await insertEndpoint(db.sql());
    expect((await call("GET", `/api/v1/webhooks/${id}/deliveries?cursor=zzz`, { token: admin.accessToken })).status).toBe(400);
  });
});

describe("security", () => {
  it("admin only", async () => {
    const id = await insertEndpoint(db.sql());
    await expectAdminOnly((token) => call("GET", `/api/v1/webhooks/${id}/deliveries`, { token }), await refusedCallers());
  });
});
