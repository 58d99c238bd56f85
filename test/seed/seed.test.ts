import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedCatalog } from "../../db/seed/index";
import { useTestDatabase } from "../support/database";

const db = useTestDatabase();
let sql: postgres.Sql;
beforeAll(() => {
  sql = postgres(db.url(), { max: 3, onnotice: () => {} });
});
afterAll(() => sql?.end());

describe("the demo network seed", () => {
  it("builds a consistent timetable once; a second run adds nothing", async () => {
    const first = await seedCatalog(sql, { days: 2, startDate: "2030-02-01" });
    expect(first.airports).toBeGreaterThan(50);
    expect(first.flights).toBeGreaterThan(2_000);

    const [check] = await sql`
      select
        count(*) filter (where f.origin = f.destination)::int as loops,
        count(*) filter (where f.departure_local_date <> (f.departure_time at time zone o.time_zone)::date)::int as wrong_day,
        count(*) filter (where f.duration_minutes <> extract(epoch from f.arrival_time - f.departure_time) / 60)::int as wrong_duration
      from flights f join airports o on o.code = f.origin`;
    expect(check).toEqual({ loops: 0, wrong_day: 0, wrong_duration: 0 });

    const wrongSeatCounts = await sql`
      select f.id from flights f join seats s on s.flight_id = f.id
      group by f.id, f.capacity having count(*) <> f.capacity limit 1`;
    expect(wrongSeatCounts).toHaveLength(0);

    const again = await seedCatalog(sql, { days: 2, startDate: "2030-02-01" });
    expect(again).toEqual({ cities: 0, airports: 0, airplanes: 0, flights: 0, seats: 0 });
  });
});
