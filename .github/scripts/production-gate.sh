#!/usr/bin/env bash
# What main.yml's production job may do with this run's commit (LANES "Release PR"; PLAY "4) Production deploy").
#
#   production-gate.sh changes   (checks job) writes `production=true|false` to $GITHUB_OUTPUT: false when every
#                                file the push changed is one production never reads (Pulumi.staging.yaml, the
#                                release's VERSION and CHANGELOG.md, documentation). An app's bump is such a push: its
#                                run deploys staging and dispatches the release pull request, and asks for no
#                                production approval, which would deploy the old pin and hold the queue. A push whose
#                                changes cannot be read (a dispatch, a first push, an API error) counts as true.
#   production-gate.sh head      (production job, first step) fails unless this run's commit is still main's head: an
#                                approval given late, or a re-run of an old run, would deploy an older commit's
#                                stack file (older digests, rulesets, reviewers and roles) under a green gate.
#
# Environment: GITHUB_REPOSITORY, GITHUB_SHA, GH_TOKEN (the workflow token, contents: read); for `changes`,
# GITHUB_OUTPUT and BEFORE (github.event.before; empty or all zeros on a dispatch or a branch's first push).
set -euo pipefail
repo="${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}"
sha="${GITHUB_SHA:?GITHUB_SHA is not set}"

production_reads() {
  case "$1" in
    Pulumi.staging.yaml | VERSION | CHANGELOG.md | README.md | docs/*) return 1 ;;
    *) return 0 ;;
  esac
}

case "${1:-}" in
  changes)
    output="${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
    before="${BEFORE:-}"
    if [ -z "$before" ] || [ -z "${before//0/}" ] ||
      ! files="$(gh api "repos/${repo}/compare/${before}...${sha}" --jq '.files[].filename')" || [ -z "$files" ]; then
      echo "production=true" >> "$output"
      exit 0
    fi
    while IFS= read -r file; do
      if production_reads "$file"; then
        echo "production=true" >> "$output"
        exit 0
      fi
    done <<< "$files"
    echo "::notice title=No production deploy::this push changes nothing production reads ($(echo "$files" | paste -sd, -)): no approval is asked"
    echo "production=false" >> "$output"
    ;;
  head)
    head="$(gh api "repos/${repo}/commits/main" --jq .sha)"
    if [ "$head" != "$sha" ]; then
      echo "::error title=Not main's head::this run deploys ${sha}, but main is at ${head}: an older commit's stack file would replace production's. Approve the newest run of main.yml instead."
      exit 1
    fi
    ;;
  *)
    echo "usage: production-gate.sh changes|head" >&2
    exit 2
    ;;
esac
