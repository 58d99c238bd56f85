import type { Email } from "../mail/templates";

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The email to the admin who registered an endpoint that was just disabled. */
export function renderDisabledNotice(n: { to: string; name: string; id: string; url: string; reason: string | null; disabledAt: Date }): Email {
  const lines = [
    `Hello${n.name ? ` ${n.name}` : ""},`,
    "",
    `The webhook endpoint ${n.url} (id ${n.id}) was disabled at ${n.disabledAt.toISOString()} after a long run of failed deliveries.`,
    n.reason ? `Reason: ${n.reason}` : "",
    "",
    "No more events are sent to it. Once it answers again, enable it with POST /api/v1/webhooks/{id}/enable,",
    "and redeliver the events it missed from its delivery log (GET /api/v1/webhooks/{id}/deliveries).",
  ].filter((line, i, all) => line !== "" || all[i - 1] !== "");
  return {
    to: n.to,
    subject: `Webhook endpoint disabled: ${n.url}`,
    text: lines.join("\n"),
    html: `<p>${lines.filter(Boolean).map(escapeHtml).join("</p><p>")}</p>`,
  };
}
