import * as z from "zod";
import { requireKeySource, tokenVerificationConfig } from "../../shared/auth/config";
import { databaseConfig, env, requireDatabase } from "../../shared/config";

export const SearchConfigSchema = z
  .object({
    ...databaseConfig,
    ...tokenVerificationConfig,
    /** Seconds an edge cache may keep search answers; availability can lag by this much. */
    SEARCH_CACHE_SECONDS: env.int(0, 3_600, 10),
  })
  .superRefine(requireKeySource)
  .superRefine(requireDatabase);

export type SearchConfig = z.output<typeof SearchConfigSchema>;
