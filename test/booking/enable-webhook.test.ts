import { describe, expect, it } from "vitest";
import { useBooking } from "../support/booking";
import { expectAdminOnly } from "../support/security";
import { insertEndpoint } from "../support/webhooks";

const { db, newAdmin, bookingCall: call, refusedCallers } = useBooking();

describe("happy", () => {
  it("enables a disabled endpoint; its run of failures starts over (enabling an enabled one changes nothing)", async () => {
    const admin = await newAdmin();
    const id = await insertEndpoint(db.sql(), undefined, { disabled: true });
    await db.sql()`update webhook_endpoints set consecutive_failures = 60, failing_since = now() - interval '3 days', disabled_reason = 'x' where id = ${id}`;
    const res = await call("POST", `/api/v1/webhooks/${id}/enable`, { token: admin.accessToken });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id, enabled: true, disabledAt: null, disabledReason: null, consecutiveFailures: 0 });
    expect((await call("POST", `/api/v1/webhooks/${id}/enable`, { token: admin.accessToken })).body.data.enabled).toBe(true);
  });
});

describe("errors", () => {
  it("unknown is 404", async () => {
    const admin = await newAdmin();
    expect((await call("POST", `/api/v1/webhooks/${crypto.randomUUID()}/enable`, { token: admin.accessToken })).status).toBe(404);
  });
});

describe("security", () => {
  it("admin only, and it stays disabled", async () => {
    const id = await insertEndpoint(db.sql(), undefined, { disabled: true });
    await expectAdminOnly(
      (token) => call("POST", `/api/v1/webhooks/${id}/enable`, { token }),
      await refusedCallers(),
      () => db.sql()`select disabled_at from webhook_endpoints where id = ${id}`,
    );
  });
});
