// workerd: Swagger UI's files bundled into the Worker as text (see the Text rule in wrangler.toml).
import script from "swagger-ui-dist/swagger-ui-bundle.js";
import styles from "swagger-ui-dist/swagger-ui.css";

export const swaggerUiScript = () => script;
export const swaggerUiStyles = () => styles;
