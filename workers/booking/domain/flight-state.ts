import { sql } from "drizzle-orm";
import type { Transaction } from "../../../db/client";
import { AppError } from "../../../shared/errors";

/** Whether a flight is still one a booking can be made, paid for, or refunded on. */
export interface FlightState {
  cancelled: boolean;
  departed: boolean;
}

/** The state columns, to select next to a flights row `f`. clock_timestamp(): now, not the transaction's start. */
export const flightStateColumns = sql`f.status = 'cancelled' as cancelled, f.departure_time <= clock_timestamp() as departed`;

/**
 * Locks a booking's flights FOR SHARE (in id order) and reads the journey's state: cancelled when
 * any of its flights is, departed once its first flight has left. An airline change to one of the
 * flights (an UPDATE of its row) waits for this transaction, and this one waits for a change in
 * flight, so a payment or a cancellation decides on the flights as they are when it commits.
 */
export async function lockJourneyState(tx: Transaction, flightIds: string[]): Promise<FlightState & { flightId?: string }> {
  const rows = await tx.execute<{ id: string; cancelled: boolean; departed: boolean }>(sql`
    select f.id, ${flightStateColumns} from flights f
    where f.id in (${sql.join(flightIds.map((id) => sql`${id}::uuid`), sql`, `)})
    order by f.id for share`);
  const cancelled = rows.find((r) => r.cancelled);
  const first = rows.find((r) => r.id === flightIds[0]);
  return { cancelled: Boolean(cancelled), departed: Boolean(first?.departed), flightId: cancelled?.id ?? (first?.departed ? first.id : undefined) };
}

/** 409 INVALID_STATE for a flight that is cancelled or gone, with the reason (and the flight) in `details`. */
export function flightClosed(state: FlightState & { flightId?: string }, doing: string): AppError | undefined {
  const flight = state.flightId ? { flightId: state.flightId } : {};
  if (state.cancelled) return new AppError("INVALID_STATE", `This flight is cancelled; ${doing}.`, { details: { reason: "FLIGHT_CANCELLED", ...flight } });
  if (state.departed) return new AppError("INVALID_STATE", `This flight has departed; ${doing}.`, { details: { reason: "FLIGHT_DEPARTED", ...flight } });
  return undefined;
}
