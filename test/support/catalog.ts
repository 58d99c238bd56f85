import { beforeAll } from "vitest";
import { publicJwk } from "../../shared/auth/jwk";
import search from "../../workers/search/index";
import { useAuthWorker } from "./auth";
import { clientFor } from "./client";

export interface FlightInput {
  flightNumber?: string;
  airplaneId: string;
  from: string;
  to: string;
  departureTime: string;
  arrivalTime: string;
  price?: { amount: number; currency: string };
  prices?: Partial<Record<"economy" | "business" | "first", { amount: number; currency: string }>>;
  boardingGate?: string;
}

/** Three cabins given out of order (economy 3 × 6, first 1 × 2, business 2 × 4): 28 seats. */
export const THREE_CABINS = [
  { cabin: "economy", rows: 3, seatsPerRow: 6 },
  { cabin: "first", rows: 1, seatsPerRow: 2 },
  { cabin: "business", rows: 2, seatsPerRow: 4 },
];

/**
 * The search worker beside the auth worker (which issues the admin's token), over one database.
 * Fixtures go through the public API, as an admin would create them.
 */
export function useCatalog() {
  const auth = useAuthWorker();
  const env: Record<string, string> = {};
  let adminToken = "";
  beforeAll(async () => {
    Object.assign(env, {
      DATABASE_URL: auth.db.url(),
      JWT_PUBLIC_JWKS: JSON.stringify({ keys: [publicJwk(JSON.parse(auth.env.JWT_PRIVATE_JWK!))] }),
      SEARCH_CACHE_SECONDS: "10",
    });
    adminToken = (await auth.newAdmin()).accessToken;
  });
  const call = clientFor(search, () => env);

  async function create(path: string, body: unknown) {
    const res = await call("POST", path, { body, token: adminToken });
    if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${res.text}`);
    return res.body.data;
  }

  let cityCount = 0;
  const airport = async (code: string, timeZone: string) => {
    const city = await create("/api/v1/cities", { name: `City ${code} ${++cityCount}`, country: "XX" });
    return create("/api/v1/airports", { code, name: `${code} International`, cityId: city.id, timeZone });
  };
  const airplane = (cabins = [{ cabin: "economy", rows: 2, seatsPerRow: 2 }], model = "Test plane") =>
    create("/api/v1/airplanes", { model, cabins });
  let flightCount = 0;
  /** A flight at 100.00 INR in economy, unless the input names its price or prices. */
  const flight = (input: FlightInput) =>
    create("/api/v1/flights", {
      flightNumber: `TS ${++flightCount}`,
      ...(input.price || input.prices ? {} : { price: { amount: 100_00, currency: "INR" } }),
      ...input,
    });

  /** Marks seats of a flight as held until `until` (or sold when null) by a made-up booking. */
  async function takeSeats(flightId: string, count: number, until: Date | null) {
    await auth.db.sql()`
      update seats set booking_id = gen_random_uuid(), held_until = ${until}
      where (flight_id, row, letter) in (
        select flight_id, row, letter from seats where flight_id = ${flightId} and booking_id is null
        order by row, letter limit ${count})`;
  }

  return { ...auth, authCall: auth.call, call, env, adminToken: () => adminToken, airport, airplane, flight, takeSeats };
}

/**
 * `useCatalog` with DEL (Asia/Kolkata), LHR (Europe/London) and a 5 × 4 airplane, for the tests of
 * one flight's routes; `flightInput()` is a valid new flight between them.
 */
export function useFlightFixture() {
  const catalog = useCatalog();
  let planeId = "";
  beforeAll(async () => {
    await catalog.airport("DEL", "Asia/Kolkata");
    await catalog.airport("LHR", "Europe/London");
    planeId = (await catalog.airplane([{ cabin: "economy", rows: 5, seatsPerRow: 4 }])).id;
  });
  const flightInput = () => ({
    flightNumber: "ai 111",
    airplaneId: planeId,
    from: "DEL",
    to: "LHR",
    departureTime: "2030-03-01T02:00:00Z",
    arrivalTime: "2030-03-01T11:30:00Z",
    price: { amount: 5499000, currency: "INR" },
    boardingGate: "12B",
  });
  return { ...catalog, planeId: () => planeId, flightInput };
}
