/**
 * Names the config model and the components agree on: the model rejects, with a config error naming the key,
 * what a component would otherwise reject at construction time with a plain error.
 */

import { APPCONFIG_ID_VARIABLES } from "../policy-pack/rules/flags";

/**
 * Container variables naming the app's AppConfig feature-flag profile (CC-FLAG-04): the ids an AppConfigData
 * client passes to `StartConfigurationSession`. Written once, on the pack's side (the pack installs alone).
 */
export const APPCONFIG_VARIABLES = APPCONFIG_ID_VARIABLES;

/**
 * Container variables the runtime sets itself (CC-RUN-05: `APP_ENV`, `BUILD_*`; `PORT`; CC-FLAG-04:
 * `APPCONFIG_*`), so an app may not set them.
 */
export const RESERVED_VARIABLES: readonly string[] = [
  "APP_ENV",
  "BUILD_SHA",
  "BUILD_DATE",
  "BUILD_ACTOR",
  "PORT",
  ...Object.values(APPCONFIG_VARIABLES),
];

/** GitHub Environment variables the program writes for the deploy workflow; a secret may not take their names. */
export const DEPLOY_VARIABLES: readonly string[] = [
  "AWS_DEPLOY_ROLE_ARN",
  "AWS_REGION",
  "IMAGE_REPOSITORY",
  "ECS_CLUSTER",
  "ECS_SERVICE",
  "APP_URL",
];

/** Most required reviewers (users and teams together) a GitHub Environment accepts (GitHub REST docs). */
export const MAX_ENVIRONMENT_REVIEWERS = 6;
