CREATE TABLE "notifier_dead_letters" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"subject" text NOT NULL,
	"stream_sequence" bigint NOT NULL,
	"deliveries" integer NOT NULL,
	"last_error" text NOT NULL,
	"payload" jsonb NOT NULL,
	"dead_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifier_rejected_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subject" text NOT NULL,
	"stream_sequence" bigint NOT NULL,
	"message_id" text,
	"reason" text NOT NULL,
	"body" text NOT NULL,
	"rejected_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifier_sent_emails" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"event_type" text NOT NULL,
	"booking_id" uuid NOT NULL,
	"recipient" text NOT NULL,
	"provider" text NOT NULL,
	"provider_message_id" text NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "notifier_rejected_messages_time_idx" ON "notifier_rejected_messages" USING btree ("rejected_at");