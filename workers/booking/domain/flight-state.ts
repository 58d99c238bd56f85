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
 * Locks a booking's flight FOR SHARE and reads its state: an airline change to the flight (an
 * UPDATE of its row) waits for this transaction, and this one waits for a change in flight, so a
 * payment or a cancellation decides on the flight as it is when it commits.
 */
export async function lockFlightState(tx: Transaction, flightId: string): Promise<FlightState> {
  const [state] = await tx.execute<{ cancelled: boolean; departed: boolean }>(sql`
    select ${flightStateColumns} from flights f where f.id = ${flightId} for share`);
  return { cancelled: Boolean(state?.cancelled), departed: Boolean(state?.departed) };
}

/** 409 INVALID_STATE for a flight that is cancelled or gone, with the reason in `details`. */
export function flightClosed(state: FlightState, doing: string): AppError | undefined {
  if (state.cancelled) return new AppError("INVALID_STATE", `This flight is cancelled; ${doing}.`, { details: { reason: "FLIGHT_CANCELLED" } });
  if (state.departed) return new AppError("INVALID_STATE", `This flight has departed; ${doing}.`, { details: { reason: "FLIGHT_DEPARTED" } });
  return undefined;
}
