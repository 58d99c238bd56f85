import type { CabinLayout } from "../schema/catalog";

export interface SeedAirplane {
  model: string;
  /** Cabins front to back; seat rows are numbered continuously through them. */
  cabins: CabinLayout[];
}

/** Which part of the network a type flies: see `airplaneFor` in network.ts. */
export type AirplaneRole = "turboprop" | "narrowBody" | "wideBody";

export const seedAirplanes: (SeedAirplane & { role: AirplaneRole })[] = [
  {
    model: "ATR 72-600",
    role: "turboprop",
    cabins: [{ cabin: "economy", rows: 18, seatsPerRow: 4 }],
  },
  {
    model: "Airbus A320neo",
    role: "narrowBody",
    cabins: [
      { cabin: "business", rows: 2, seatsPerRow: 4 },
      { cabin: "economy", rows: 30, seatsPerRow: 6 },
    ],
  },
  {
    model: "Boeing 737-800",
    role: "narrowBody",
    cabins: [
      { cabin: "business", rows: 3, seatsPerRow: 4 },
      { cabin: "economy", rows: 26, seatsPerRow: 6 },
    ],
  },
  {
    model: "Boeing 787-9",
    role: "wideBody",
    cabins: [
      { cabin: "business", rows: 7, seatsPerRow: 4 },
      { cabin: "economy", rows: 29, seatsPerRow: 9 },
    ],
  },
  {
    model: "Boeing 777-300ER",
    role: "wideBody",
    cabins: [
      { cabin: "first", rows: 2, seatsPerRow: 4 },
      { cabin: "business", rows: 10, seatsPerRow: 4 },
      { cabin: "economy", rows: 32, seatsPerRow: 10 },
    ],
  },
];

export function capacityOf(cabins: CabinLayout[]): number {
  return cabins.reduce((sum, c) => sum + c.rows * c.seatsPerRow, 0);
}
