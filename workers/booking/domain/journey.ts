import { validationFailed } from "../../../shared/errors";
import { MIN_CONNECTION_MINUTES } from "../../../shared/flights";

export interface JourneyLeg {
  /** Where the request named this flight, for the error's path. */
  path: string;
  flightId: string;
  from: string;
  to: string;
  currency: string;
  departure: string | Date;
  arrival: string | Date;
}

/**
 * Whether flights in this order make one journey (a connection or a return trip, API.md Next):
 * each leaves from where the one before landed, at least the itineraries' minimum connection time
 * after it lands (a longer wait is a stopover or a return), and all are priced in one currency so
 * the total is a sum. Anything else is VALIDATION_FAILED naming the flight.
 */
export function checkJourney(legs: JourneyLeg[]): void {
  const issues = legs.slice(1).flatMap((leg, i) => {
    const before = legs[i]!;
    const at = leg.path === "itineraryId" ? "itineraryId" : `${leg.path}.flightId`;
    if (leg.from !== before.to) return [{ path: at, message: `flight ${leg.flightId} leaves from ${leg.from}, not ${before.to} where the flight before it lands` }];
    const gap = (new Date(leg.departure).getTime() - new Date(before.arrival).getTime()) / 60_000;
    if (gap < MIN_CONNECTION_MINUTES) {
      return [{ path: at, message: `flight ${leg.flightId} must leave at least ${MIN_CONNECTION_MINUTES} minutes after the flight before it lands` }];
    }
    if (leg.currency !== before.currency) return [{ path: at, message: `flight ${leg.flightId} is priced in ${leg.currency}, not ${before.currency}` }];
    return [];
  });
  if (issues.length > 0) throw validationFailed(issues);
}
