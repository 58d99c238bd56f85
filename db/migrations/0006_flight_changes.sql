CREATE TYPE "public"."booking_change_status" AS ENUM('pending', 'accepted', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."flight_change_kind" AS ENUM('schedule_changed', 'delayed', 'cancelled', 'gate_changed');--> statement-breakpoint
CREATE TABLE "booking_changes" (
	"booking_id" uuid NOT NULL,
	"change_id" uuid NOT NULL,
	"status" "booking_change_status" DEFAULT 'pending' NOT NULL,
	"decided_at" timestamp with time zone,
	CONSTRAINT "booking_changes_booking_id_change_id_pk" PRIMARY KEY("booking_id","change_id")
);
--> statement-breakpoint
CREATE TABLE "flight_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"flight_id" uuid NOT NULL,
	"kind" "flight_change_kind" NOT NULL,
	"before" jsonb NOT NULL,
	"after" jsonb NOT NULL,
	"significant" boolean DEFAULT false NOT NULL,
	"changed_by" uuid,
	"bookings_affected" integer NOT NULL,
	"bookings_processed" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "booking_changes" ADD CONSTRAINT "booking_changes_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "booking_changes" ADD CONSTRAINT "booking_changes_change_id_flight_changes_id_fk" FOREIGN KEY ("change_id") REFERENCES "public"."flight_changes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flight_changes" ADD CONSTRAINT "flight_changes_flight_id_flights_id_fk" FOREIGN KEY ("flight_id") REFERENCES "public"."flights"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flight_changes" ADD CONSTRAINT "flight_changes_changed_by_users_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "flight_changes_flight_idx" ON "flight_changes" USING btree ("flight_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "flight_changes_open_idx" ON "flight_changes" USING btree ("created_at") WHERE "flight_changes"."completed_at" is null;--> statement-breakpoint
CREATE INDEX "refunds_booking_idx" ON "refunds" USING btree ("booking_id");--> statement-breakpoint
CREATE UNIQUE INDEX "refunds_payment_key" ON "refunds" USING btree ("payment_id");