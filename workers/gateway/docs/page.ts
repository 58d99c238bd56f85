import { swaggerUiScript, swaggerUiStyles } from "#docs-assets";
import type { GatewayApp } from "../env";

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Airline booking API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="api-reference"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;

const init = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#api-reference", deepLinking: true,
  tryItOutEnabled: true, persistAuthorization: true });`;

/** GET /docs: an interactive API reference built from /openapi.json, served without any CDN. */
export function registerDocs(app: GatewayApp) {
  const day = "public, max-age=86400";
  app.get("/docs", (c) => c.html(page, 200, { "Cache-Control": "public, max-age=300" }));
  app.get("/docs/init.js", (c) => c.body(init, 200, { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": day }));
  app.get("/docs/swagger-ui-bundle.js", (c) =>
    c.body(swaggerUiScript(), 200, { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": day }),
  );
  app.get("/docs/swagger-ui.css", (c) => c.body(swaggerUiStyles(), 200, { "Content-Type": "text/css; charset=utf-8", "Cache-Control": day }));
}
