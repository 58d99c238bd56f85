/** Time-zone helpers on Intl, which both Node and workerd ship with full ICU data. */

/**
 * Intl.DateTimeFormat for one locale and set of options, one per time zone, built once for the life
 * of the process or isolate: building a format costs far more than using one.
 */
export function formatsByZone(locale: string, options: Omit<Intl.DateTimeFormatOptions, "timeZone">): (timeZone: string) => Intl.DateTimeFormat {
  const byZone = new Map<string, Intl.DateTimeFormat>();
  return (timeZone) => {
    let format = byZone.get(timeZone);
    if (!format) {
      format = new Intl.DateTimeFormat(locale, { ...options, timeZone });
      byZone.set(timeZone, format);
    }
    return format;
  };
}

const formatterFor = formatsByZone("en-CA", {
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
  timeZoneName: "longOffset",
});

/** True for an IANA time zone name this runtime knows ("Asia/Kolkata", "UTC"). */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  try {
    formatterFor(name);
    return true;
  } catch {
    return false;
  }
}

/** An instant as ISO 8601 in a zone's local time with its offset: 2026-12-01T09:30:00+05:30. */
export function toZonedIso(instant: Date, timeZone: string): string {
  const parts = Object.fromEntries(formatterFor(timeZone).formatToParts(instant).map((p) => [p.type, p.value]));
  const offset = parts.timeZoneName === "GMT" ? "+00:00" : (parts.timeZoneName ?? "GMT").replace("GMT", "");
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}

/**
 * The instants the API accepts: from 1970 to the day before the end of 9999, UTC, so that the local
 * time of every one, in every zone, still has a four-digit year. Nothing outside is stored.
 */
const EARLIEST_INSTANT = Date.UTC(1970, 0, 1);
const LATEST_INSTANT = Date.UTC(9999, 11, 30, 23, 59, 59, 999);
export const INSTANT_RANGE = "between 1970-01-01T00:00:00Z and 9999-12-30T23:59:59Z";

/** True for an ISO 8601 date or date-time (already checked for form) inside INSTANT_RANGE. */
export function inInstantRange(iso: string): boolean {
  const t = Date.parse(iso);
  return t >= EARLIEST_INSTANT && t <= LATEST_INSTANT;
}
