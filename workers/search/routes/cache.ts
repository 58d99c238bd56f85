import { publicCache } from "../../../shared/http/cache";
import type { SearchEnv } from "../env";

/** Catalog data changes rarely; search answers carry availability, so they are kept briefly. */
export const catalogCache = publicCache(300);
export const searchCache = publicCache((c) => (c.var as SearchEnv["Variables"]).config.SEARCH_CACHE_SECONDS);
