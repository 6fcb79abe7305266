#!/usr/bin/env bash
# Phase one of a deploy and the migrations (CONST "Migrations"; F6 "Migration Safety Net"), run by main.yml before the
# whole `pulumi up`: every resource but the ECS services (and what depends on them) is updated first, so the image,
# the services' new task definitions and the migration tasks exist while every service still runs the last release;
# then each app with migrations runs its migration task once (`cicd migrate`). A failed migration exits non-zero and
# the job stops here: no service changes. On a stack's first deploy there is no service to hold back yet.
#
# Usage: migrate.sh STACK_NAME FULL_STACK POLICY_CONFIG   (e.g. staging ORG/cicd-constitution/staging policy-config.staging.json)
set -euo pipefail
stack="$1" full="$2" policy_config="$3"

pulumi login ${PULUMI_BACKEND_URL:+"$PULUMI_BACKEND_URL"}
# Held back: the services, and the moving aliases (:staging, :prod), so nothing names the new release as running
# before its migration passed. Read from a file, so a failed export stops the script instead of holding back nothing.
state="$(mktemp)"
trap 'rm -f "$state"' EXIT
pulumi stack export --stack "$full" --file "$state"
excludes=()
while IFS= read -r urn; do
  [ -n "$urn" ] && excludes+=(--exclude "$urn")
done < <(jq -r '(.deployment.resources // [])[] | select(.type == "aws:ecs/service:Service" or .type == "docker-build:index:Index") | .urn' "$state")
if [ "${#excludes[@]}" -gt 0 ]; then excludes+=(--exclude-dependents); fi
echo "phase one: pulumi up of $full holding back ${#excludes[@]} service argument(s)"
pulumi up --yes --skip-preview --stack "$full" --policy-pack policy-pack --policy-pack-config "$policy_config" "${excludes[@]}"

pulumi stack output --json --stack "$full" > migration-outputs.json
apps="$(jq -r '(.apps // {}) | to_entries[] | select(.value.migration != null) | .key' migration-outputs.json)"
for app in $apps; do
  echo "migrating $app in $stack"
  npm run --silent cicd -- migrate --stack "$stack" --app "$app" --outputs migration-outputs.json
done
