import { describe, expect, it } from "vitest";
import { useBooking } from "../support/booking";
import { expectSignInRequired } from "../support/security";

const { newUser, newAdmin, newBooking, bookingCall: call, refusedCallers } = useBooking();

const read = (token: string | undefined, id: string) => call("GET", `/api/v1/bookings/${id}`, { token });

describe("happy", () => {
  it("the owner reads their booking as the hold answered it", async () => {
    const { owner, booking } = await newBooking(2);
    const res = await read(owner.accessToken, booking.id);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(booking);
  });
});

describe("errors", () => {
  it("404 for an unknown id, 400 for a malformed one", async () => {
    const { accessToken } = await newUser();
    const unknown = await read(accessToken, crypto.randomUUID());
    expect([unknown.status, unknown.body.error.code]).toEqual([404, "NOT_FOUND"]);
    expect((await read(accessToken, "12")).status).toBe(400);
  });
});

describe("security", () => {
  it("another user's booking is 404 NOT_FOUND; an admin may read it", async () => {
    const { booking } = await newBooking();
    const stranger = await newUser();
    const admin = await newAdmin();
    const res = await read(stranger.accessToken, booking.id);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NOT_FOUND");
    expect((await read(admin.accessToken, booking.id)).status).toBe(200);
  });

  it("without a token, or with an expired or forged one, is 401", async () => {
    const { booking } = await newBooking();
    await expectSignInRequired((token) => read(token, booking.id), await refusedCallers());
  });
});
