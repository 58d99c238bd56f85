import { describe, expect, it } from "vitest";
import { sql, TransactionRollbackError } from "drizzle-orm";
import { createDatabase } from "../../db/client";
import { recordBookingEvents } from "../../workers/booking/domain/events";
import { BookingEventSchema } from "../../shared/events";
import { useBooking } from "../support/booking";

// The outbox events a booking's changes record, as the notifier will read them.
const { newUser, newFlight, hold, db } = useBooking();

describe("bookings.held", () => {
  it("a hold records bookings.held in the shared schema, the very event recordBookingEvents builds from the rows", async () => {
    const { accessToken, user } = await newUser();
    const flight = await newFlight(5, 4, 4500_00);
    const res = await hold(accessToken, flight.id, [
      { name: "Asha Rao", seat: "2b" },
      { name: "Ravi Rao", seat: "2C" },
    ]);
    expect(res.status, res.text).toBe(201);

    const [event] = await db.sql()`select type, payload from outbox_events where payload->'booking'->>'id' = ${res.body.data.id}`;
    expect(event?.type).toBe("bookings.held");
    expect(event?.payload).toMatchObject({
      type: "bookings.held",
      booking: { id: res.body.data.id, status: "held", seats: ["2B", "2C"], from: "BKA", to: "BKB" },
      user: { email: user.email, name: "Test User" },
    });
    expect(BookingEventSchema.safeParse(event?.payload).error).toBeUndefined();
    // The hold writes its event from values it already has; it must be the very event that
    // recordBookingEvents builds from the committed rows (as every other event type is).
    let rebuilt: Record<string, unknown> | undefined;
    await createDatabase(db.url())
      .transaction(async (tx) => {
        await recordBookingEvents(tx, "held", [res.body.data.id]);
        const [row] = await tx.execute<{ payload: Record<string, unknown> }>(
          sql`select payload from outbox_events where id <> ${event!.payload.id} and payload->'booking'->>'id' = ${res.body.data.id}`,
        );
        rebuilt = row?.payload;
        tx.rollback(); // leaves the outbox as it was
      })
      .catch((err: unknown) => {
        if (!(err instanceof TransactionRollbackError)) throw err;
      });
    const { id: _id, occurredAt: _at, ...stored } = event!.payload;
    expect(rebuilt).toMatchObject(stored);
  });
});
