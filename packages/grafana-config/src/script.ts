/**
 * The script the grafana-config Job runs with the curl image's busybox sh. A constant: every value comes from
 * the Job's env or from files (the ConfigMap, the grafana-admin Secret), never pasted into shell text. The
 * admin's credentials go to curl in a config file (`-K`) on a memory emptyDir, never in argv. Passes shellcheck.
 *
 * Desired state, one organization a line in /config/orgs:
 * `<org name> <datasource uid or -> <digest or -> <folder uid>`; the datasource body is
 * /config/datasource-<org name>.json and carries its digest in jsonData, so an unchanged datasource is left
 * alone. The team's dashboard folder (that uid, titled after the org) is created in its organization when
 * absent, and left alone when present. Organizations it creates carry ORG_MARKER in their address; it deletes
 * only marked organizations that are no longer declared, never Main Org. (id 1) or anyone else's.
 */
export const CONFIGURE_SCRIPT = String.raw`#!/bin/sh
# Converges Grafana's team organizations, their dashboard folders and Loki datasources; safe to re-run.
set -eu
umask 077

# Every setting is required (set -u stops at the first one missing).
: "$GRAFANA_URL" "$ORG_MARKER" "$CONFIG_DIR" "$ADMIN_DIR" "$WORK_DIR" "$WAIT_ATTEMPTS" "$WAIT_SECONDS"
: "$NAMESPACE" "$RESTART_DEPLOYMENT" "$KUBE_API" "$KUBE_TOKEN_FILE" "$KUBE_CA_FILE"
auth="$WORK_DIR/grafana.curlrc"
body="$WORK_DIR/body"

# Basic auth as a header in a curl config file: printf is a shell builtin, so the password is in no argv.
user=$(cat "$ADMIN_DIR/admin-user")
password=$(cat "$ADMIN_DIR/admin-password")
basic=$(printf '%s:%s' "$user" "$password" | base64 | tr -d '\n')
printf 'header = "Authorization: Basic %s"\n' "$basic" >"$auth"
unset user password basic

# api METHOD PATH [ORG_ID] [BODY_FILE]: prints the HTTP status, leaves the response in $body.
api() {
  method="$1"
  path="$2"
  org=""
  data=""
  if [ $# -ge 3 ]; then org="$3"; fi
  if [ $# -ge 4 ]; then data="$4"; fi
  set -- -sS -K "$auth" -o "$body" -w '%{http_code}' -X "$method" -H 'Content-Type: application/json'
  if [ -n "$org" ]; then set -- "$@" -H "X-Grafana-Org-Id: $org"; fi
  if [ -n "$data" ]; then set -- "$@" --data-binary "@$data"; fi
  curl "$@" "$GRAFANA_URL$path" </dev/null || echo 000
}

fail() {
  echo "$*" >&2
  exit 1
}

expect() {
  want="$1"
  got="$2"
  shift 2
  if [ "$got" != "$want" ]; then
    echo "$* answered HTTP $got:" >&2
    cat "$body" >&2 || true
    echo >&2
    exit 1
  fi
}

# The "id" of the one object in $body.
json_id() {
  sed -n 's/^{"id":\([0-9][0-9]*\)[,}].*$/\1/p' "$body"
}

attempts=0
until [ "$(api GET /api/health)" = 200 ]; do
  attempts=$((attempts + 1))
  [ "$attempts" -lt "$WAIT_ATTEMPTS" ] || fail "Grafana at $GRAFANA_URL did not answer /api/health"
  sleep "$WAIT_SECONDS"
done

marker="$WORK_DIR/marker.json"
printf '{"address1":"%s"}\n' "$ORG_MARKER" >"$marker"
created=0
refused=0
sed -n 's/^\([^ ]*\) .*$/\1/p' "$CONFIG_DIR/orgs" >"$WORK_DIR/declared"

while read -r name uid digest folder; do
  [ -n "$name" ] || continue
  status=$(api GET "/api/orgs/name/$name")
  if [ "$status" = 404 ]; then
    printf '{"name":"%s"}\n' "$name" >"$WORK_DIR/org.json"
    expect 200 "$(api POST /api/orgs '' "$WORK_DIR/org.json")" "creating organization $name"
    expect 200 "$(api GET "/api/orgs/name/$name")" "reading organization $name"
    id=$(json_id)
    expect 200 "$(api PUT "/api/orgs/$id/address" '' "$marker")" "marking organization $name"
    echo "organization $name: created (id $id)"
    created=1
  else
    expect 200 "$status" "reading organization $name"
    id=$(json_id)
    if ! grep -qF "\"address1\":\"$ORG_MARKER\"" "$body"; then
      echo "organization $name (id $id) exists but was not created by platform-gen: left alone; rename or delete it" >&2
      refused=1
      continue
    fi
  fi
  [ -n "$id" ] || fail "no id for organization $name"

  # The team's dashboard folder lives in its organization, where its members can see it.
  [ -n "$folder" ] || fail "no folder uid for organization $name in $CONFIG_DIR/orgs"
  status=$(api GET "/api/folders/$folder" "$id")
  if [ "$status" = 404 ]; then
    printf '{"uid":"%s","title":"%s"}\n' "$folder" "$name" >"$WORK_DIR/folder.json"
    expect 200 "$(api POST /api/folders "$id" "$WORK_DIR/folder.json")" "creating folder $folder in $name"
    echo "organization $name: folder $folder created"
  else
    expect 200 "$status" "reading folder $folder in $name"
  fi

  [ "$uid" != - ] || continue

  file="$CONFIG_DIR/datasource-$name.json"
  status=$(api GET "/api/datasources/uid/$uid" "$id")
  if [ "$status" = 404 ]; then
    expect 200 "$(api POST /api/datasources "$id" "$file")" "creating datasource $uid in $name"
    echo "organization $name: datasource $uid created"
  else
    expect 200 "$status" "reading datasource $uid in $name"
    if grep -qF "\"platformGenDigest\":\"$digest\"" "$body"; then
      echo "organization $name: datasource $uid up to date"
    else
      expect 200 "$(api PUT "/api/datasources/uid/$uid" "$id" "$file")" "updating datasource $uid in $name"
      echo "organization $name: datasource $uid updated"
    fi
  fi
done <"$CONFIG_DIR/orgs"

# Organizations no longer declared: only those carrying our marker, never Main Org.
expect 200 "$(api GET '/api/orgs?perpage=5000')" "listing organizations"
tr '{' '\n' <"$body" | sed -n 's/^"id":\([0-9][0-9]*\),"name":"\([^"]*\)".*$/\1 \2/p' >"$WORK_DIR/existing"
while read -r id name; do
  [ "$id" != 1 ] || continue
  if grep -qxF "$name" "$WORK_DIR/declared"; then continue; fi
  expect 200 "$(api GET "/api/orgs/$id")" "reading organization $id"
  grep -qF "\"address1\":\"$ORG_MARKER\"" "$body" || continue
  expect 200 "$(api DELETE "/api/orgs/$id")" "deleting organization $name"
  echo "organization $name (id $id): deleted, no team declares it any more"
done <"$WORK_DIR/existing"

# Grafana resolves org_mapping's organization names when it starts: after creating one, restart it.
if [ "$created" = 1 ] && [ -n "$RESTART_DEPLOYMENT" ]; then
  token=$(cat "$KUBE_TOKEN_FILE")
  printf 'header = "Authorization: Bearer %s"\n' "$token" >"$WORK_DIR/kube.curlrc"
  unset token
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  printf '{"spec":{"template":{"metadata":{"annotations":{"platform-gen.io/organizations-created-at":"%s"}}}}}\n' "$now" >"$WORK_DIR/patch.json"
  set -- -sS -K "$WORK_DIR/kube.curlrc" -o "$body" -w '%{http_code}' -X PATCH \
    -H 'Content-Type: application/strategic-merge-patch+json' --data-binary "@$WORK_DIR/patch.json"
  if [ -f "$KUBE_CA_FILE" ]; then set -- "$@" --cacert "$KUBE_CA_FILE"; fi
  status=$(curl "$@" "$KUBE_API/apis/apps/v1/namespaces/$NAMESPACE/deployments/$RESTART_DEPLOYMENT" || echo 000)
  expect 200 "$status" "restarting deployment $RESTART_DEPLOYMENT"
  echo "deployment $RESTART_DEPLOYMENT restarted: it reads org_mapping's new organizations at start"
fi

[ "$refused" = 0 ] || fail "some declared organizations belong to someone else (see above)"
echo "Grafana's organizations converged."
`;
