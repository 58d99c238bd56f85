// The demo route network and its daily timetable, built in memory and deterministically (a seeded
// PRNG, never Math.random), so every seed run with the same options produces the same schedule.
import { type AirplaneRole, seedAirplanes } from "./airplanes";
import { indianAirports, internationalAirports, type SeedAirport } from "./airports";

export interface Route {
  origin: SeedAirport;
  destination: SeedAirport;
  distanceKm: number;
  /** Both ends in India: priced in INR, flown by an Indian domestic airline. */
  domestic: boolean;
  /** Departures a day at scale 1 (1–4). */
  departures: number;
  airline: string;
  model: string;
  /** Seed of this route's own PRNG (departure times). */
  seed: number;
}

/** One daily departure: the same flight number at the same local time every day. */
export interface Slot {
  origin: string;
  destination: string;
  flightNumber: string;
  model: string;
  /** Minute of the day in the origin's time zone. */
  localMinute: number;
  durationMinutes: number;
  /** Minor units, before the per-flight spread applied in SQL. */
  basePrice: number;
  currency: "INR" | "USD";
}

/** mulberry32: a tiny seeded PRNG with good enough spread for demo data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Great-circle distance in km (haversine, mean Earth radius). */
export function distanceKm(a: SeedAirport, b: SeedAirport): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

/** Block time: cruise at 800 km/h plus 30 minutes on the ground, to 5 minutes. */
export function durationMinutes(km: number): number {
  return Math.round(((km / 800) * 60 + 30) / 5) * 5;
}

const METROS = new Set(["DEL", "BOM", "BLR", "MAA", "CCU", "HYD"]);
const BIG_CITIES = new Set(["GOI", "COK", "AMD", "PNQ", "JAI", "LKO", "GAU", "TRV"]);
/** Where India's international flights leave from, and how likely a route is from each. */
const GATEWAYS: Record<string, { near: number; far: number }> = {
  DEL: { near: 0.9, far: 0.75 },
  BOM: { near: 0.9, far: 0.65 },
  BLR: { near: 0.7, far: 0.3 },
  HYD: { near: 0.6, far: 0.2 },
  MAA: { near: 0.6, far: 0.15 },
  CCU: { near: 0.4, far: 0.05 },
  COK: { near: 0.6, far: 0 },
  TRV: { near: 0.35, far: 0 },
  AMD: { near: 0.35, far: 0 },
  ATQ: { near: 0.25, far: 0 },
};
/** Within this distance of India a route is short-haul international (Gulf, South and Southeast Asia). */
const NEAR_KM = 4500;
const MAX_ROUTE_KM = 13_500;

const REGION: Record<string, string> = {
  LK: "south-asia", NP: "south-asia", BD: "south-asia", MV: "south-asia",
  AE: "gulf", QA: "gulf",
  SG: "east-asia", MY: "east-asia", TH: "east-asia", HK: "east-asia", JP: "east-asia", KR: "east-asia", CN: "east-asia",
  AU: "oceania",
  GB: "europe", FR: "europe", DE: "europe", NL: "europe", ES: "europe", IT: "europe", TR: "europe", CH: "europe",
  US: "north-america", CA: "north-america", MX: "north-america",
  BR: "south-america", AR: "south-america",
  ZA: "africa", EG: "africa", KE: "africa",
};

/** The airline flying international routes out of an airport: its home carrier. */
const HOME_CARRIER: Record<string, string> = {
  CMB: "UL", KTM: "RA", DAC: "BG", MLE: "Q2", DXB: "EK", AUH: "EY", DOH: "QR", SIN: "SQ", KUL: "MH",
  BKK: "TG", HKG: "CX", NRT: "JL", HND: "NH", ICN: "KE", PEK: "CA", PVG: "MU", SYD: "QF", MEL: "QF",
  LHR: "BA", CDG: "AF", FRA: "LH", AMS: "KL", MAD: "IB", FCO: "AZ", IST: "TK", ZRH: "LX", JFK: "DL",
  EWR: "UA", LAX: "AA", SFO: "UA", ORD: "UA", ATL: "DL", DFW: "AA", SEA: "AS", YYZ: "AC", YVR: "AC",
  MEX: "AM", GRU: "LA", EZE: "AR", JNB: "SA", CAI: "MS", NBO: "KQ",
};
/** Indian domestic airlines, and the narrow-body each flies (ATR routes go to 6E and 9I). */
const DOMESTIC_AIRLINES: { code: string; narrowBody: string }[] = [
  { code: "6E", narrowBody: "Airbus A320neo" },
  { code: "AI", narrowBody: "Airbus A320neo" },
  { code: "IX", narrowBody: "Boeing 737-800" },
  { code: "SG", narrowBody: "Boeing 737-800" },
  { code: "QP", narrowBody: "Boeing 737-800" },
];

const modelsFor = (role: AirplaneRole) => seedAirplanes.filter((a) => a.role === role).map((a) => a.model);

/** ATR below 600 km, a narrow-body below 3,500 km, a wide-body beyond (the 777 mostly on the longest). */
export function roleFor(km: number): AirplaneRole {
  return km < 600 ? "turboprop" : km < 3500 ? "narrowBody" : "wideBody";
}

/** Every route of the network, both directions of each city pair. Deterministic for a given seed. */
export function buildRoutes(seed = 20_240_601): Route[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const routes: Route[] = [];

  const addPair = (a: SeedAirport, b: SeedAirport, departures: number) => {
    const km = distanceKm(a, b);
    const domestic = a.country === "IN" && b.country === "IN";
    const role = roleFor(km);
    for (const [origin, destination] of [
      [a, b],
      [b, a],
    ] as const) {
      let airline: string;
      let model: string;
      if (domestic) {
        const carrier = pick(DOMESTIC_AIRLINES);
        airline = role === "turboprop" ? pick(["6E", "9I"]) : carrier.code;
        model = role === "turboprop" ? "ATR 72-600" : role === "narrowBody" ? carrier.narrowBody : "Airbus A320neo";
      } else {
        airline = origin.country === "IN" ? (role === "wideBody" ? "AI" : pick(["AI", "6E"])) : HOME_CARRIER[origin.code]!;
        const models = modelsFor(role);
        model =
          role === "wideBody"
            ? random() < (km > 9000 ? 0.75 : 0.2)
              ? "Boeing 777-300ER"
              : "Boeing 787-9"
            : pick(models);
      }
      routes.push({ origin, destination, distanceKm: km, domestic, departures, airline, model, seed: Math.floor(random() * 2 ** 31) });
    }
  };

  // Domestic: the metros to everything, the larger cities among themselves, and some short hops.
  for (let i = 0; i < indianAirports.length; i++) {
    for (let j = i + 1; j < indianAirports.length; j++) {
      const a = indianAirports[i]!;
      const b = indianAirports[j]!;
      const metros = Number(METROS.has(a.code)) + Number(METROS.has(b.code));
      const big = (METROS.has(a.code) || BIG_CITIES.has(a.code)) && (METROS.has(b.code) || BIG_CITIES.has(b.code));
      const km = distanceKm(a, b);
      if (metros === 2) addPair(a, b, between(3, 4));
      else if (metros === 1) addPair(a, b, between(2, 3));
      else if ((big && random() < 0.45) || (km < 700 && random() < 0.5) || random() < 0.08) addPair(a, b, between(1, 2));
    }
  }

  // India to the world, from its gateways.
  for (const [code, odds] of Object.entries(GATEWAYS)) {
    const gateway = indianAirports.find((a) => a.code === code)!;
    for (const abroad of internationalAirports) {
      const km = distanceKm(gateway, abroad);
      if (km > MAX_ROUTE_KM) continue;
      const near = km < NEAR_KM;
      if (random() < (near ? odds.near : odds.far)) addPair(gateway, abroad, near ? between(1, 3) : between(1, 2));
    }
  }

  // Hub to hub abroad: denser within a region.
  for (let i = 0; i < internationalAirports.length; i++) {
    for (let j = i + 1; j < internationalAirports.length; j++) {
      const a = internationalAirports[i]!;
      const b = internationalAirports[j]!;
      const km = distanceKm(a, b);
      if (km < 300 || km > MAX_ROUTE_KM) continue; // same metro area (NRT-HND), or beyond range
      const sameRegion = REGION[a.country] === REGION[b.country];
      if (random() < (sameRegion ? 0.4 : 0.08)) addPair(a, b, km < 3500 ? between(1, 3) : km < 8000 ? between(1, 2) : 1);
    }
  }
  return routes;
}

const FIRST_DEPARTURE = 5 * 60 + 30;
const LAST_DEPARTURE = 23 * 60 + 30;

/**
 * The daily timetable at a given scale: each route gets `departures × scale` departures, spread
 * over the day at route-specific local times, each with its own flight number.
 */
export function buildSlots(routes: Route[], scale = 1): Slot[] {
  const nextNumber = new Map<string, number>();
  const slots: Slot[] = [];
  for (const route of routes) {
    const random = prng(route.seed ^ (scale * 0x9e3779b1));
    const count = route.departures * scale;
    const span = (LAST_DEPARTURE - FIRST_DEPARTURE) / count;
    const routePrice = routeBasePrice(route) * (0.9 + 0.25 * random());
    for (let i = 0; i < count; i++) {
      const localMinute = FIRST_DEPARTURE + Math.floor((i * span + random() * Math.max(span - 5, 0)) / 5) * 5;
      const number = nextNumber.get(route.airline) ?? 101;
      if (number > 9999) throw new Error(`seed: airline ${route.airline} ran out of flight numbers at scale ${scale}`);
      nextNumber.set(route.airline, number + 1);
      slots.push({
        origin: route.origin.code,
        destination: route.destination.code,
        flightNumber: `${route.airline} ${number}`,
        model: route.model,
        localMinute,
        durationMinutes: durationMinutes(route.distanceKm),
        basePrice: Math.round(routePrice * timeOfDayFactor(localMinute)),
        currency: route.domestic ? "INR" : "USD",
      });
    }
  }
  return slots;
}

/** Minor units: INR for domestic India, USD otherwise; roughly proportional to distance. */
function routeBasePrice(route: Route): number {
  return route.domestic ? (1500 + 4.8 * route.distanceKm) * 100 : (70 + 0.085 * route.distanceKm) * 100;
}

/** Morning and evening peaks cost more, the first and last departures less. */
function timeOfDayFactor(minute: number): number {
  const hour = minute / 60;
  if (hour < 7 || hour >= 22) return 0.85;
  if (hour < 10 || (hour >= 17 && hour < 21)) return 1.15;
  return 1;
}
