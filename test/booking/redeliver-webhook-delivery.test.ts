import { describe, expect, it } from "vitest";
import { useBooking } from "../support/booking";
import { expectAdminOnly } from "../support/security";
import { insertDelivery, insertEndpoint } from "../support/webhooks";

const { db, newAdmin, bookingCall: call, refusedCallers } = useBooking();
const redeliver = (token: string | undefined, endpointId: string, deliveryId: string) =>
  call("POST", `/api/v1/webhooks/${endpointId}/deliveries/${deliveryId}/redeliver`, { token });

describe("happy", () => {
  it("a delivered, failed or waiting delivery is due now, as a new run of attempts", async () => {
    const admin = await newAdmin();
    const id = await insertEndpoint(db.sql());
    for (const state of ["delivered", "failed", "pending"] as const) {
      const d = await insertDelivery(db.sql(), id, state);
      const res = await redeliver(admin.accessToken, id, d.id);
      expect(res.status, state).toBe(202);
      expect(res.body.data).toMatchObject({ id: d.id, state: "pending", attempts: 0 });
      expect(Date.parse(res.body.data.nextAttemptAt)).toBeLessThanOrEqual(Date.now() + 1_000);
    }
  });
});

describe("errors", () => {
  it("an attempt in flight, or a disabled endpoint, is 409; another endpoint's delivery is 404", async () => {
    const admin = await newAdmin();
    const id = await insertEndpoint(db.sql());
    const sending = await insertDelivery(db.sql(), id, "sending");
    const busy = await redeliver(admin.accessToken, id, sending.id);
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe("INVALID_STATE");
    const off = await insertEndpoint(db.sql(), undefined, { disabled: true });
    const offDelivery = await insertDelivery(db.sql(), off, "failed");
    expect((await redeliver(admin.accessToken, off, offDelivery.id)).status).toBe(409);
    expect((await redeliver(admin.accessToken, id, offDelivery.id)).status).toBe(404);
    expect((await redeliver(admin.accessToken, id, "x")).status).toBe(400);
  });
});

describe("security", () => {
  it("admin only, and nothing changes", async () => {
    const id = await insertEndpoint(db.sql());
    const d = await insertDelivery(db.sql(), id, "failed");
    await expectAdminOnly((token) => redeliver(token, id, d.id), await refusedCallers(), () => db.sql()`select state, attempts from webhook_deliveries where id = ${d.id}`);
  });
});
