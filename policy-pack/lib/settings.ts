/** Policy settings several rule sections share: which environment counts as production and which as staging. */
import type { ConfigProperty } from "./types";

/** Config property: the environment that counts as production (never the stack name). */
export const PRODUCTION_ENV: Record<string, ConfigProperty> = {
  productionEnvironment: {
    tightens: "fixed",
    type: "string",
    description: "Name of the environment that counts as production.",
    default: "production",
  },
};

/** Config property: the environment that counts as staging. */
export const STAGING_ENV: Record<string, ConfigProperty> = {
  stagingEnvironment: {
    tightens: "fixed",
    type: "string",
    description: "Name of the staging environment.",
    default: "staging",
  },
};
