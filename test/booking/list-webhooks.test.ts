import { describe, expect, it } from "vitest";
import { useBooking } from "../support/booking";
import { walkPages } from "../support/client";
import { expectAdminOnly } from "../support/security";
import { insertEndpoint } from "../support/webhooks";

const { db, newAdmin, bookingCall: call, refusedCallers } = useBooking();

describe("happy", () => {
  it("lists endpoints newest first, page by page, never with their secrets", async () => {
    const admin = await newAdmin();
    const ids = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await insertEndpoint(db.sql(), `https://p${i}.example/hooks`));
      await new Promise((r) => setTimeout(r, 3)); // distinct created_at (milliseconds)
    }
    const listed = await walkPages(call, "/api/v1/webhooks", 2, admin.accessToken);
    expect(listed.map((w) => w.id)).toEqual([...ids].reverse());
    expect(listed[0]).toMatchObject({ url: "https://p4.example/hooks", eventTypes: ["*"], enabled: true });
    expect(JSON.stringify(listed)).not.toContain("whsec_");
  });
});

describe("errors", () => {
  it("a cursor of another list is 400", async () => {
    const admin = await newAdmin();
    const res = await call("GET", "/api/v1/webhooks?cursor=abc", { token: admin.accessToken });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe("query.cursor");
  });
});

describe("security", () => {
  it("admin only", async () => {
    await expectAdminOnly((token) => call("GET", "/api/v1/webhooks", { token }), await refusedCallers());
  });
});
