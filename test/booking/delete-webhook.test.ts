import { describe, expect, it } from "vitest";
import { useBooking } from "../support/booking";
import { expectAdminOnly } from "../support/security";
import { insertDelivery, insertEndpoint } from "../support/webhooks";

const { db, newAdmin, bookingCall: call, refusedCallers } = useBooking();

describe("happy", () => {
  it("removes the endpoint and its delivery log", async () => {
    const admin = await newAdmin();
    const id = await insertEndpoint(db.sql());
    await insertDelivery(db.sql(), id, "pending");
    const res = await call("DELETE", `/api/v1/webhooks/${id}`, { token: admin.accessToken });
    expect(res.status).toBe(204);
    expect(await db.sql()`select 1 from webhook_endpoints where id = ${id}`).toHaveLength(0);
    expect(await db.sql()`select 1 from webhook_deliveries where endpoint_id = ${id}`).toHaveLength(0);
    expect((await call("GET", `/api/v1/webhooks/${id}`, { token: admin.accessToken })).status).toBe(404);
  });
});

describe("errors", () => {
  it("twice is 404 the second time; malformed is 400", async () => {
    const admin = await newAdmin();
    const id = await insertEndpoint(db.sql());
    expect((await call("DELETE", `/api/v1/webhooks/${id}`, { token: admin.accessToken })).status).toBe(204);
    expect((await call("DELETE", `/api/v1/webhooks/${id}`, { token: admin.accessToken })).status).toBe(404);
    expect((await call("DELETE", "/api/v1/webhooks/1", { token: admin.accessToken })).status).toBe(400);
  });
});

describe("security", () => {
  it("admin only, and nothing is deleted", async () => {
    const id = await insertEndpoint(db.sql());
    await expectAdminOnly((token) => call("DELETE", `/api/v1/webhooks/${id}`, { token }), await refusedCallers(), () => db.sql()`select id from webhook_endpoints`);
  });
});
