import { sql } from "drizzle-orm";
import { inTransaction, type Queryable } from "../../../db/client";
import type { Principal } from "../../../shared/auth/tokens";
import { AppError, notFound } from "../../../shared/errors";
import { lockBooking } from "./bookings";
import { cancelLocked } from "./cancellation";

export type Decision = "accept" | "cancel";

const decided = { accept: "accepted", cancel: "cancelled" } as const;

/**
 * The customer's answer to a significant schedule change of their booking's flight (owner only):
 * accept it, or cancel the booking with a full refund. Answering the same twice answers the same;
 * answering the other way after deciding is 409.
 */
export function decideChange(db: Queryable, owner: Principal, bookingId: string, changeId: string, decision: Decision) {
  return inTransaction(db, async (tx) => {
    const booking = await lockBooking(tx, bookingId, owner, { adminMayAct: false });
    const [choice] = await tx.execute<{ status: string }>(sql`
      select status from booking_changes where booking_id = ${bookingId} and change_id = ${changeId} for update`);
    if (!choice) throw notFound("Change");
    const answer = { bookingId, changeId, status: decided[decision] };
    if (choice.status === answer.status) return answer;
    if (choice.status !== "pending") throw new AppError("INVALID_STATE", `This change was already ${choice.status}.`);
    if (booking.status === "cancelled" || booking.status === "expired" || (booking.status === "held" && booking.holdExpired)) {
      throw new AppError("INVALID_STATE", `This booking is ${booking.status === "cancelled" ? "cancelled" : "expired"}; there is nothing to decide.`);
    }
    if (decision === "cancel") await cancelLocked(tx, booking);
    await tx.execute(sql`
      update booking_changes set status = ${answer.status}::booking_change_status, decided_at = now()
      where booking_id = ${bookingId} and change_id = ${changeId}`);
    return answer;
  });
}
