#!/usr/bin/env bash
# A partner's integration with LearnCraft, in curl: everything an organization's program does with
# its API key. Each command prints JSON (one object per line) and the rate-limit headers to stderr.
#
#   export LEARNCRAFT_API_KEY=lck_…          # created by an owner in the console (Organization → API keys)
#   export LEARNCRAFT_URL=http://127.0.0.1:4000/graphql   # the default
#
#   partner-journey.sh organization               the key's organization and scopes
#   partner-journey.sh webhook <url>              send member.enrolled and lesson.completed to <url>;
#                                                 prints the signing secret (shown once)
#   partner-journey.sh invite <email>             invite a person (they accept from the email)
#   partner-journey.sh members                    the members: user id, email, role
#   partner-journey.sh enroll <userId> <courseId> enrol a member on one of the organization's seats
#   partner-journey.sh progress [<updatedSince>]  members' enrollments changed since the instant (all
#                                                 pages); the last line is the next updatedSince
#
# Needs curl and jq. Scopes: members:read, members:write, enrollments:write, progress:read,
# webhooks:write (each command needs only its own).
set -euo pipefail

url=${LEARNCRAFT_URL:-http://127.0.0.1:4000/graphql}
key=${LEARNCRAFT_API_KEY:?set LEARNCRAFT_API_KEY to an API key}
headers=$(mktemp)
trap 'rm -f "$headers"' EXIT

# gql <query> [<variables JSON>]: POSTs one operation; prints `data`, or the errors (to stderr) and fails.
gql() {
  local body answer
  body=$(jq -cn --arg query "$1" --argjson variables "${2:-{\}}" '{query: $query, variables: $variables}')
  answer=$(curl -sS --max-time 30 -D "$headers" "$url" \
    -H 'content-type: application/json' -H "authorization: Bearer $key" --data "$body")
  grep -i '^x-ratelimit-' "$headers" | tr -d '\r' | paste -sd ' ' >&2 || true
  if [ "$(jq 'has("errors")' <<<"$answer")" = true ]; then
    jq -c '.errors[] | {error: .extensions.code, message}' <<<"$answer" >&2
    return 1
  fi
  jq -c '.data' <<<"$answer"
}

# fails (exit 1) when a payload carries userErrors, after printing them
payload() {
  local data=$1 field=$2
  if [ "$(jq --arg f "$field" '.[$f].userErrors | length' <<<"$data")" != 0 ]; then
    jq -c --arg f "$field" '.[$f].userErrors[] | {userError: .code, message}' <<<"$data"
    return 1
  fi
}

organization_id() {
  gql '{ apiKey { organization { id } } }' | jq -r '.apiKey.organization.id'
}

case "${1:-}" in
  organization)
    gql '{ apiKey { name scopes organization { id name memberCount } } }' |
      jq -c '{organization: .apiKey.organization, key: .apiKey.name, scopes: .apiKey.scopes}'
    ;;
  webhook)
    data=$(gql 'mutation ($input: WebhookEndpointCreateInput!) {
        webhookEndpointCreate(input: $input) { endpoint { id url events } signingSecret userErrors { code message } }
      }' "$(jq -cn --arg org "$(organization_id)" --arg url "${2:?webhook <url>}" \
        '{input: {organizationId: $org, url: $url, events: ["MEMBER_ENROLLED", "LESSON_COMPLETED"], description: "partner-journey.sh"}}')")
    payload "$data" webhookEndpointCreate
    jq -c '.webhookEndpointCreate | {endpoint: .endpoint.id, url: .endpoint.url, signingSecret}' <<<"$data"
    ;;
  invite)
    data=$(gql 'mutation ($input: OrganizationMemberInviteInput!) {
        organizationMemberInvite(input: $input) { invitation { id email role status expiresAt } userErrors { code message } }
      }' "$(jq -cn --arg org "$(organization_id)" --arg email "${2:?invite <email>}" \
        '{input: {organizationId: $org, email: $email, role: "MEMBER"}}')")
    payload "$data" organizationMemberInvite
    jq -c '.organizationMemberInvite.invitation' <<<"$data"
    ;;
  members)
    org=$(organization_id)
    after=null
    while :; do
      data=$(gql 'query ($id: ID!, $after: String) {
          organization(id: $id) { members(first: 100, after: $after) {
            edges { node { role joinedAt user { id email displayName } } } pageInfo { hasNextPage endCursor } } }
        }' "$(jq -cn --arg id "$org" --argjson after "$after" '{id: $id, after: $after}')")
      jq -c '.organization.members.edges[].node | {userId: .user.id, email: .user.email, role}' <<<"$data"
      [ "$(jq '.organization.members.pageInfo.hasNextPage' <<<"$data")" = true ] || break
      after=$(jq '.organization.members.pageInfo.endCursor' <<<"$data")
    done
    ;;
  enroll)
    data=$(gql 'mutation ($input: OrganizationMemberEnrollInput!) {
        organizationMemberEnroll(input: $input) { enrollment { id progressPercent course { id title } } userErrors { code message } }
      }' "$(jq -cn --arg org "$(organization_id)" --arg user "${2:?enroll <userId> <courseId>}" \
        --arg course "${3:?enroll <userId> <courseId>}" '{input: {organizationId: $org, userId: $user, courseId: $course}}')")
    payload "$data" organizationMemberEnroll
    jq -c '.organizationMemberEnroll.enrollment' <<<"$data"
    ;;
  progress)
    org=$(organization_id)
    since=${2:-}
    after=null
    next=$since
    while :; do
      data=$(gql 'query ($id: ID!, $after: String, $since: DateTime) {
          organization(id: $id) { enrollments(first: 50, after: $after, filterBy: { updatedSince: $since }) {
            edges { node { id updatedAt progressPercent completedAt user { id email } course { id title }
              lessons { lesson { id } status } } }
            pageInfo { hasNextPage endCursor } } }
        }' "$(jq -cn --arg id "$org" --argjson after "$after" --arg since "$since" \
          '{id: $id, after: $after, since: (if $since == "" then null else $since end)}')")
      jq -c '.organization.enrollments.edges[].node | {enrollment: .id, userId: .user.id, email: .user.email,
        course: .course.title, progressPercent, completedAt, updatedAt,
        completedLessons: [.lessons[] | select(.status == "COMPLETED") | .lesson.id]}' <<<"$data"
      last=$(jq -r '.organization.enrollments.edges | last | .node.updatedAt // empty' <<<"$data")
      [ -n "$last" ] && next=$last
      [ "$(jq '.organization.enrollments.pageInfo.hasNextPage' <<<"$data")" = true ] || break
      after=$(jq '.organization.enrollments.pageInfo.endCursor' <<<"$data")
    done
    jq -cn --arg next "$next" '{nextUpdatedSince: (if $next == "" then null else $next end)}'
    ;;
  *)
    sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
