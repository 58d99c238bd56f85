import { describe, expect, it } from "vitest";
import { useBooking } from "../support/booking";
import { expectAdminOnly } from "../support/security";
import { insertEndpoint } from "../support/webhooks";

const { db, newAdmin, bookingCall: call, refusedCallers } = useBooking();

describe("happy", () => {
  it("shows an endpoint, enabled or not, without its secret", async () => {
    const admin = await newAdmin();
    const id = await insertEndpoint(db.sql(), "https://partner.example/x", { disabled: true });
    const res = await call("GET", `/api/v1/webhooks/${id}`, { token: admin.accessToken });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id, url: "https://partner.example/x", enabled: false });
    expect(res.body.data.disabledAt).not.toBeNull();
    expect(res.text).not.toContain("whsec_");
  });
});

describe("errors", () => {
  it("unknown is 404, malformed is 400", async () => {
    const admin = await newAdmin();
    expect((await call("GET", `/api/v1/webhooks/${crypto.randomUUID()}`, { token: admin.accessToken })).status).toBe(404);
    expect((await call("GET", "/api/v1/webhooks/nope", { token: admin.accessToken })).status).toBe(400);
  });
});

describe("security", () => {
  it("admin only", async () => {
    const id = await insertEndpoint(db.sql());
    await expectAdminOnly((token) => call("GET", `/api/v1/webhooks/${id}`, { token }), await refusedCallers());
  });
});
