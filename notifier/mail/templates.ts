import { type BookingEvent, type BookingEventType, eventTypeOf } from "../../shared/events";
import { formatsByZone } from "../../shared/time";

/** What every transport sends: one email, in HTML and plain text. */
export interface Email {
  to: string;
  subject: string;
  html: string;
  text: string;
}

const wallClock = formatsByZone("en-GB", {
  weekday: "short",
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  timeZoneName: "short",
});

/** "Wed, 15 Jan 2030, 09:30 GMT+5:30": an instant as the clock on the wall of `timeZone` shows it. */
export const localDateTime = (instant: string, timeZone: string): string => wallClock(timeZone).format(new Date(instant));

const moneyFormats = new Map<string, { format: Intl.NumberFormat; digits: number }>();

/** Minor units to "₹1,234.50", with the currency's own number of decimals. */
export function money(amount: { amount: number; currency: string }): string {
  // Building a NumberFormat costs far more than using one: one per currency for the process.
  let entry = moneyFormats.get(amount.currency);
  if (!entry) {
    const format = new Intl.NumberFormat("en-IN", { style: "currency", currency: amount.currency });
    entry = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    moneyFormats.set(amount.currency, entry);
  }
  return entry.format.format(amount.amount / 10 ** entry.digits);
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

interface Content {
  subject: string;
  headline: string;
  /** Paragraphs shown above the flight details. */
  lines: string[];
}

function contentFor(kind: BookingEventType, event: BookingEvent): Content {
  const b = event.booking;
  const flight = `${b.flightNumber} ${b.from} → ${b.to}`;
  const departs = localDateTime(b.departureTime, b.departureTimeZone);
  switch (kind) {
    case "held": {
      const deadline = localDateTime(b.holdExpiresAt, b.departureTimeZone);
      return {
        subject: `Seats held on ${flight}: pay by ${deadline}`,
        headline: "Your seats are held",
        lines: [
          `We are holding ${b.seats.join(", ")} on ${flight} for you until ${deadline} (${b.departureTimeZone} time).`,
          `Pay ${money(b.totalAmount)} before then to confirm the booking; after it the seats are released.`,
        ],
      };
    }
    case "confirmed":
      return {
        subject: `Booking confirmed: ${flight}, ${departs}`,
        headline: "Your booking is confirmed",
        lines: [`We received your payment of ${money(b.totalAmount)}. Your seats: ${b.seats.join(", ")}.`],
      };
    case "cancelled":
      return {
        subject: `Booking cancelled: ${flight}, ${departs}`,
        headline: "Your booking is cancelled",
        lines: ["Your seats have been released. If you had paid, the payment is refunded to the way you paid."],
      };
    case "expired":
      return {
        subject: `Your hold expired: ${flight}, ${departs}`,
        headline: "Your hold has expired",
        lines: ["The booking was not paid in time, so its seats have been released. You can book again if seats are still free."],
      };
    case "payment_refunded":
      return {
        subject: `Payment refunded: ${flight}, ${departs}`,
        headline: "Your payment arrived too late — refunded",
        lines: [
          "Your payment reached us after this booking's hold had ended and its seats were released (or after it was cancelled), so the booking could not be confirmed.",
          `We are refunding ${money(event.refund ?? b.totalAmount)} to the way you paid. You can book again if seats are still free.`,
        ],
      };
    case "reminder":
      return {
        subject: `Reminder: ${flight} departs ${departs}`,
        headline: "Your flight is coming up",
        lines: [`Your seats: ${b.seats.join(", ")}. Please be at the airport in good time.`],
      };
    case "schedule_changed":
    case "delayed": {
      const times = scheduleLines(event);
      const delayed = kind === "delayed";
      return {
        subject: delayed ? `Your flight is delayed: ${flight}, now ${departs}` : `Your flight's time changed: ${flight}, now ${departs}`,
        headline: delayed ? "Your flight is delayed" : "Your flight's time has changed",
        lines: [...times, ...choiceLines(event)],
      };
    }
    case "gate_changed": {
      const gate = (event.change?.after.boardingGate as string | null | undefined) ?? null;
      return {
        subject: `Gate change: ${flight}, ${departs}`,
        headline: "Your flight's gate has changed",
        lines: [gate ? `Your flight now boards at gate ${gate}.` : "Your flight's gate is not assigned yet; check the screens at the airport."],
      };
    }
    case "flight_cancelled":
      return {
        subject: `Your flight is cancelled: ${flight}, ${departs}`,
        headline: event.refund ? "Your flight is cancelled — refund issued" : "Your flight is cancelled",
        lines: [
          "The airline has cancelled this flight, so your booking is cancelled and its seats released.",
          event.refund
            ? `We have refunded ${money(event.refund)} to the way you paid.`
            : "You had not paid for this booking, so nothing was charged.",
        ],
      };
  }
}

/** Old and new local times of a schedule change, each in its airport's zone. */
function scheduleLines(event: BookingEvent): string[] {
  const b = event.booking;
  const change = event.change;
  const lines: string[] = [];
  const was = (field: string) => change?.before[field] as string | undefined;
  if (was("departureTime")) {
    lines.push(`Departure from ${b.from}: was ${localDateTime(was("departureTime")!, b.departureTimeZone)}, now ${localDateTime(b.departureTime, b.departureTimeZone)} (${b.from} local time).`);
  }
  if (was("arrivalTime")) {
    lines.push(`Arrival at ${b.to}: was ${localDateTime(was("arrivalTime")!, b.arrivalTimeZone)}, now ${localDateTime(b.arrivalTime, b.arrivalTimeZone)} (${b.to} local time).`);
  }
  if (lines.length === 0) lines.push(`Your flight departs ${localDateTime(b.departureTime, b.departureTimeZone)} (${b.from} local time).`);
  return lines;
}

/** A significant change lets the customer choose (POST …/changes/{id}/accept or …/cancel). */
function choiceLines(event: BookingEvent): string[] {
  if (!event.change?.significant) return [];
  return [
    "Because the time moved significantly, you may accept the new time or cancel your booking with a full refund.",
    `Booking ${event.booking.id}, change ${event.change.id}.`,
  ];
}

/** The email a booking event turns into. Pure: the same event always renders the same email. */
export function renderEmail(event: BookingEvent): Email {
  const b = event.booking;
  const content = contentFor(eventTypeOf(event), event);
  // A journey of several flights lists each; one flight, as it always did.
  const legs = b.legs && b.legs.length > 1 ? b.legs : [{ ...b, cabin: undefined }];
  const details: [string, string][] = [
    ["Booking", b.id],
    ...legs.flatMap((leg, i): [string, string][] => {
      const n = legs.length > 1 ? ` ${i + 1}` : "";
      return [
        [`Flight${n}`, `${leg.flightNumber}, ${leg.from} → ${leg.to}${leg.cabin ? ` (${leg.cabin})` : ""}`],
        [`Departs${n}`, `${localDateTime(leg.departureTime, leg.departureTimeZone)} (${leg.from} local time)`],
        [`Arrives${n}`, `${localDateTime(leg.arrivalTime, leg.arrivalTimeZone)} (${leg.to} local time)`],
        [`Passengers${n}`, leg.passengers.map((p) => `${p.name} (${p.seat})`).join(", ")],
      ];
    }),
    ["Total", money(b.totalAmount)],
  ];

  const text = [
    `Dear ${event.user.name},`,
    "",
    content.headline,
    "",
    ...content.lines,
    "",
    ...details.map(([k, v]) => `${k}: ${v}`),
    "",
  ].join("\n");

  const rows = details
    .map(([k, v]) => `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join("");
  const html = [
    "<!doctype html>",
    '<html><body style="font-family:sans-serif">',
    `<p>Dear ${escapeHtml(event.user.name)},</p>`,
    `<h1 style="font-size:20px">${escapeHtml(content.headline)}</h1>`,
    ...content.lines.map((line) => `<p>${escapeHtml(line)}</p>`),
    `<table>${rows}</table>`,
    "</body></html>",
  ].join("\n");

  return { to: event.user.email, subject: content.subject, html, text };
}
