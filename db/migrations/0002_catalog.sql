CREATE TYPE "public"."cabin_class" AS ENUM('first', 'business', 'economy');--> statement-breakpoint
CREATE TYPE "public"."flight_status" AS ENUM('scheduled', 'delayed', 'cancelled');--> statement-breakpoint
CREATE TABLE "airplanes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"model" text NOT NULL,
	"cabins" jsonb NOT NULL,
	"capacity" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "airports" (
	"code" char(3) PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"city_id" uuid NOT NULL,
	"time_zone" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "airports_code_upper" CHECK ("airports"."code" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
CREATE TABLE "cities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"country" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "flights" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"flight_number" text NOT NULL,
	"airplane_id" uuid NOT NULL,
	"origin" char(3) NOT NULL,
	"destination" char(3) NOT NULL,
	"departure_time" timestamp with time zone NOT NULL,
	"arrival_time" timestamp with time zone NOT NULL,
	"departure_local_date" date NOT NULL,
	"departure_local_minute" smallint NOT NULL,
	"duration_minutes" integer NOT NULL,
	"price_amount" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"boarding_gate" text,
	"status" "flight_status" DEFAULT 'scheduled' NOT NULL,
	"capacity" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "flights_route" CHECK ("flights"."origin" <> "flights"."destination"),
	CONSTRAINT "flights_times" CHECK ("flights"."arrival_time" > "flights"."departure_time"),
	CONSTRAINT "flights_price" CHECK ("flights"."price_amount" >= 0)
);
--> statement-breakpoint
CREATE TABLE "seats" (
	"flight_id" uuid NOT NULL,
	"row" smallint NOT NULL,
	"letter" char(1) NOT NULL,
	"cabin" "cabin_class" NOT NULL,
	"booking_id" uuid,
	"held_until" timestamp with time zone,
	CONSTRAINT "seats_flight_id_row_letter_pk" PRIMARY KEY("flight_id","row","letter")
);
--> statement-breakpoint
ALTER TABLE "airports" ADD CONSTRAINT "airports_city_id_cities_id_fk" FOREIGN KEY ("city_id") REFERENCES "public"."cities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flights" ADD CONSTRAINT "flights_airplane_id_airplanes_id_fk" FOREIGN KEY ("airplane_id") REFERENCES "public"."airplanes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flights" ADD CONSTRAINT "flights_origin_airports_code_fk" FOREIGN KEY ("origin") REFERENCES "public"."airports"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flights" ADD CONSTRAINT "flights_destination_airports_code_fk" FOREIGN KEY ("destination") REFERENCES "public"."airports"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "seats" ADD CONSTRAINT "seats_flight_id_flights_id_fk" FOREIGN KEY ("flight_id") REFERENCES "public"."flights"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "airports_city_idx" ON "airports" USING btree ("city_id");--> statement-breakpoint
CREATE UNIQUE INDEX "cities_name_country_key" ON "cities" USING btree (lower("name"),lower("country"));--> statement-breakpoint
CREATE INDEX "flights_route_day_idx" ON "flights" USING btree ("origin","destination","departure_local_date","departure_time");--> statement-breakpoint
CREATE INDEX "flights_route_time_idx" ON "flights" USING btree ("origin","destination","departure_time");--> statement-breakpoint
CREATE INDEX "flights_departure_idx" ON "flights" USING btree ("departure_time","id");--> statement-breakpoint
CREATE INDEX "seats_taken_idx" ON "seats" USING btree ("flight_id","held_until") WHERE "seats"."booking_id" is not null;