#!/usr/bin/env bash
# Whether this repository takes code scanning uploads, for the SARIF upload steps of pr.yml and main.yml: writes
# `available=true` or `available=false` to $GITHUB_OUTPUT and never fails the job (the smoke check is required).
# A public repository always has code scanning. A private one has it only with GitHub Code Security (Advanced
# Security): without it the code scanning API answers 403, and the script says so as a notice and in the step
# summary, so the upload is skipped instead of failing. Any other answer (404 "no analysis found" before the first
# upload, a network error) leaves the upload to try; its step may fail without failing the job.
#
# Environment: GITHUB_OUTPUT, GITHUB_REPOSITORY, REPOSITORY_PRIVATE (github.event.repository.private: true|false),
# GH_TOKEN (the workflow token, security-events: read); GITHUB_STEP_SUMMARY when set.
set -u
output="${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
if [ "${REPOSITORY_PRIVATE:-true}" = "false" ]; then
  echo "available=true" >> "$output"
  exit 0
fi
if answer="$(gh api "repos/${GITHUB_REPOSITORY}/code-scanning/analyses?per_page=1" --silent 2>&1)"; then
  echo "available=true" >> "$output"
  exit 0
fi
case "$answer" in
  *"HTTP 403"*)
    message="code scanning is not available to ${GITHUB_REPOSITORY} (a private repository needs GitHub Code Security): the SARIF upload is skipped; the audit is in the PR comment, the step summary and the reports artifact"
    echo "::notice title=SARIF upload skipped::${message}"
    if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then echo "SARIF upload skipped: ${message}." >> "$GITHUB_STEP_SUMMARY"; fi
    echo "available=false" >> "$output"
    ;;
  *)
    echo "available=true" >> "$output"
    ;;
esac
exit 0
