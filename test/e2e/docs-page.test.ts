import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HostedWorker, serveWorker } from "../../scripts/lib/node-host";
import gateway from "../../workers/gateway/index";
import { useTestDatabase } from "../support/database";

// Debian's chromium (CI installs it; playwright-core gives it a fresh profile). Where it is missing
// the page test cannot run, and is reported as skipped.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);

const db = useTestDatabase();
let server: HostedWorker;
let browser: Browser | undefined;

beforeAll(async () => {
  server = await serveWorker(gateway, { DATABASE_URL: db.url() });
  if (!haveChromium) return;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("GET /docs", () => {
  it("serves the page and its assets from the gateway itself (no CDN)", async () => {
    const page = await fetch(`${server.url}/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("/docs/swagger-ui-bundle.js");
    const script = await fetch(`${server.url}/docs/swagger-ui-bundle.js`);
    expect(script.headers.get("content-type")).toMatch(/javascript/);
    expect((await script.text()).length).toBeGreaterThan(100_000);
  });

  it.skipIf(!haveChromium)("loads in headless Chromium and lists the booking endpoints", async () => {
    const tab = await browser!.newPage();
    const failed: string[] = [];
    tab.on("requestfailed", (request) => failed.push(request.url()));
    await tab.goto(`${server.url}/docs`);
    await tab.getByText("/api/v1/bookings/{id}/payments").first().waitFor({ timeout: 20_000 });
    const text = await tab.locator("#api-reference").innerText();
    expect(text).toContain("Airline booking API");
    for (const path of ["/api/v1/bookings", "/api/v1/bookings/{id}", "/api/v1/bookings/{id}/cancel"]) {
      expect(text).toContain(path);
    }
    expect(failed).toEqual([]);
    await tab.close();
  });
});
