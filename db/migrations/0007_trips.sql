CREATE TABLE "flight_cabins" (
	"flight_id" uuid NOT NULL,
	"cabin" "cabin_class" NOT NULL,
	"price_amount" bigint NOT NULL,
	"capacity" integer NOT NULL,
	CONSTRAINT "flight_cabins_flight_id_cabin_pk" PRIMARY KEY("flight_id","cabin"),
	CONSTRAINT "flight_cabins_price" CHECK ("flight_cabins"."price_amount" >= 0)
);
--> statement-breakpoint
CREATE TABLE "booking_flights" (
	"booking_id" uuid NOT NULL,
	"position" smallint NOT NULL,
	"flight_id" uuid NOT NULL,
	"cabin" "cabin_class" NOT NULL,
	"fare_amount" bigint NOT NULL,
	"reminder_sent_at" timestamp with time zone,
	CONSTRAINT "booking_flights_booking_id_position_pk" PRIMARY KEY("booking_id","position")
);
--> statement-breakpoint
-- Every cabin a flight has seats in is sold, at the flight's one price so far.
INSERT INTO "flight_cabins" ("flight_id", "cabin", "price_amount", "capacity")
SELECT s."flight_id", s."cabin", f."price_amount", count(*)::int
FROM "seats" s JOIN "flights" f ON f."id" = s."flight_id"
GROUP BY s."flight_id", s."cabin", f."price_amount";
--> statement-breakpoint
-- Every booking so far is one flight, in the cabin of its first passenger's seat.
INSERT INTO "booking_flights" ("booking_id", "position", "flight_id", "cabin", "fare_amount", "reminder_sent_at")
SELECT b."id", 0, b."flight_id",
  coalesce((SELECT s."cabin" FROM "booking_passengers" p JOIN "seats" s ON s."flight_id" = b."flight_id" AND s."row" = p."row" AND s."letter" = p."letter"
            WHERE p."booking_id" = b."id" ORDER BY p."position" LIMIT 1), 'economy'),
  b."total_amount" / greatest(1, (SELECT count(*) FROM "booking_passengers" p WHERE p."booking_id" = b."id")),
  b."reminder_sent_at"
FROM "bookings" b;
--> statement-breakpoint
ALTER TABLE "booking_passengers" ADD COLUMN "flight_id" uuid;--> statement-breakpoint
UPDATE "booking_passengers" p SET "flight_id" = b."flight_id" FROM "bookings" b WHERE b."id" = p."booking_id";--> statement-breakpoint
ALTER TABLE "booking_passengers" ALTER COLUMN "flight_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "flights" DROP CONSTRAINT "flights_price";--> statement-breakpoint
ALTER TABLE "bookings" DROP CONSTRAINT "bookings_flight_id_flights_id_fk";
--> statement-breakpoint
DROP INDEX "bookings_flight_idx";--> statement-breakpoint
DROP INDEX "bookings_reminder_idx";--> statement-breakpoint
DROP INDEX "seats_taken_idx";--> statement-breakpoint
ALTER TABLE "booking_passengers" DROP CONSTRAINT "booking_passengers_booking_id_position_pk";--> statement-breakpoint
ALTER TABLE "booking_passengers" ADD CONSTRAINT "booking_passengers_booking_id_flight_id_position_pk" PRIMARY KEY("booking_id","flight_id","position");--> statement-breakpoint
ALTER TABLE "flight_cabins" ADD CONSTRAINT "flight_cabins_flight_id_flights_id_fk" FOREIGN KEY ("flight_id") REFERENCES "public"."flights"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "booking_flights" ADD CONSTRAINT "booking_flights_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "booking_flights" ADD CONSTRAINT "booking_flights_flight_id_flights_id_fk" FOREIGN KEY ("flight_id") REFERENCES "public"."flights"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "booking_flights_flight_key" ON "booking_flights" USING btree ("flight_id","booking_id");--> statement-breakpoint
CREATE INDEX "booking_flights_reminder_idx" ON "booking_flights" USING btree ("flight_id") WHERE "booking_flights"."reminder_sent_at" is null;--> statement-breakpoint
ALTER TABLE "booking_passengers" ADD CONSTRAINT "booking_passengers_flight_id_flights_id_fk" FOREIGN KEY ("flight_id") REFERENCES "public"."flights"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "seats_taken_idx" ON "seats" USING btree ("flight_id","cabin","held_until") WHERE "seats"."booking_id" is not null;--> statement-breakpoint
ALTER TABLE "flights" DROP COLUMN "price_amount";--> statement-breakpoint
ALTER TABLE "bookings" DROP COLUMN "flight_id";--> statement-breakpoint
ALTER TABLE "bookings" DROP COLUMN "reminder_sent_at";
