// Deno: Swagger UI's files imported as text (an import attribute Deno understands), so they are part
// of the module graph, as in workerd's bundle: a Deno Deploy build carries them, and nothing is read
// from node_modules at run time.
import script from "swagger-ui-dist/swagger-ui-bundle.js" with { type: "text" };
import styles from "swagger-ui-dist/swagger-ui.css" with { type: "text" };

export const swaggerUiScript = () => script;
export const swaggerUiStyles = () => styles;
