/**
 * The two shell scripts the Jobs run with the official Vault image's CLI (busybox sh). They are
 * constants: every value comes in through environment variables set in the Job's YAML or through
 * files, never by pasting definitions into shell text, so no definition can inject a command.
 * Both pass shellcheck (tested).
 */

/** Shared start: strict mode, private files, a writable HOME on a read-only root file system. */
const PREAMBLE = `set -eu
umask 077
export HOME=/tmp
`;

/** Shared: wait until Vault answers (exit 0 unsealed, 2 sealed or uninitialised, 1 unreachable). */
const WAIT_FOR_VAULT = `wait_for_vault() {
  want="$1"
  attempts=0
  while :; do
    status=0
    vault status >/dev/null 2>&1 || status=$?
    if [ "$want" = reachable ] && [ "$status" -ne 1 ]; then return 0; fi
    if [ "$want" = unsealed ] && [ "$status" -eq 0 ]; then return 0; fi
    attempts=$((attempts + 1))
    if [ "$attempts" -ge 120 ]; then
      echo "Vault at $VAULT_ADDR is not $want after 10 minutes" >&2
      exit 1
    fi
    sleep 5
  done
}`;

/**
 * Phase 3, once per cluster: initialise Vault (auto-unseal, so recovery shares instead of unseal keys),
 * print only the recovery shares encrypted to the recovery holders' PGP keys, use the root token to
 * enable audit and Kubernetes auth and to create the configurer's policy and role, then revoke it.
 * On every later run it sees an initialised Vault and does nothing.
 */
export const INIT_SCRIPT =
  `#!/bin/sh
# Initialises Vault exactly once; safe to re-run (an initialised Vault is never re-initialised).
` +
  PREAMBLE +
  '\n' +
  WAIT_FOR_VAULT +
  String.raw`

wait_for_vault reachable
initialised=0
vault operator init -status >/dev/null 2>&1 || initialised=$?
if [ "$initialised" -eq 0 ]; then
  echo "Vault is initialised already: nothing to do."
  exit 0
fi
if [ "$initialised" -ne 2 ]; then
  echo "Cannot tell whether Vault is initialised (vault operator init -status exited $initialised)." >&2
  exit 1
fi

out=/tmp/init.json
vault operator init \
  -recovery-shares="$RECOVERY_SHARES" \
  -recovery-threshold="$RECOVERY_THRESHOLD" \
  -recovery-pgp-keys="$RECOVERY_KEYS" \
  -format=json >"$out"
echo "Vault initialised. Recovery shares, each encrypted to one recovery holder's PGP key"
echo "(decrypt with: echo <share> | base64 -d | gpg --decrypt):"
sed -n '/"recovery_keys_b64"/,/\]/p' "$out"
VAULT_TOKEN=$(sed -n 's/^.*"root_token": *"\([^"]*\)".*$/\1/p' "$out")
rm -f "$out"
export VAULT_TOKEN

wait_for_vault unsealed
vault audit enable -path=file file file_path=/vault/audit/audit.log
vault audit enable -path=stdout file file_path=stdout
vault auth enable -path="$K8S_AUTH_MOUNT" kubernetes
vault write "auth/$K8S_AUTH_MOUNT/config" kubernetes_host=https://kubernetes.default.svc
vault policy write platform-configurer /config/policy-platform-configurer.hcl
vault write "auth/$K8S_AUTH_MOUNT/role/platform-configurer" @/config/role-platform-configurer.json
vault token revoke -self
echo "Root token revoked. From now on the configurer Job keeps Vault configured."
`;

/**
 * Every sync: converge Vault to the files in /config. Creates and updates what is declared, deletes
 * managed policies and roles (names starting with eso- or platform-) that are no longer declared, and
 * never touches anything else.
 */
export const CONFIGURE_SCRIPT =
  `#!/bin/sh
# Converges Vault to the policies and roles in /config; safe to re-run.
` +
  PREAMBLE +
  '\n' +
  WAIT_FOR_VAULT +
  String.raw`

wait_for_vault unsealed
VAULT_TOKEN=$(vault write -field=token "auth/$K8S_AUTH_MOUNT/login" role=platform-configurer jwt=@/var/run/secrets/vault/token)
export VAULT_TOKEN

# Mounts, audit devices and Kubernetes auth: created only when absent.
vault read "sys/mounts/$KV_MOUNT" >/dev/null 2>&1 || vault secrets enable -path="$KV_MOUNT" -version=2 kv
vault audit list | grep -q '^file/' || vault audit enable -path=file file file_path=/vault/audit/audit.log
vault audit list | grep -q '^stdout/' || vault audit enable -path=stdout file file_path=stdout
vault write "auth/$K8S_AUTH_MOUNT/config" kubernetes_host=https://kubernetes.default.svc >/dev/null

# Everything declared: create or update.
for file in /config/policy-*.hcl; do
  [ -e "$file" ] || continue
  name=$(basename "$file" .hcl | sed 's/^policy-//')
  vault policy write "$name" "$file" >/dev/null
  echo "policy $name: written"
done
for file in /config/role-*.json; do
  [ -e "$file" ] || continue
  name=$(basename "$file" .json | sed 's/^role-//')
  vault write "auth/$K8S_AUTH_MOUNT/role/$name" @"$file" >/dev/null
  echo "role $name: written"
done

# Phase 3 handover: each bootstrap seed (a Secret decrypted from Git, mounted at /seeds/<name>, one file per
# key) is copied into Vault once, only where nothing exists yet. Vault is never overwritten from Git (the
# policy grants create, not update; -cas=0 refuses an existing secret) and nothing flows back.
for dir in /seeds/*/; do
  [ -d "$dir" ] || continue
  name=$(basename "$dir")
  path=$(cat "/config/handover-$name.path")
  status=0
  vault kv metadata get -mount="$KV_MOUNT" "$path" >/dev/null 2>&1 || status=$?
  if [ "$status" -eq 0 ]; then
    echo "handover $name: $KV_MOUNT/$path exists in Vault, left alone"
    continue
  fi
  if [ "$status" -ne 2 ]; then
    echo "handover $name: cannot tell whether $KV_MOUNT/$path exists (vault exit code $status)" >&2
    exit 1
  fi
  set --
  for file in "$dir"*; do
    [ -f "$file" ] || continue
    set -- "$@" "$(basename "$file")=@$file"
  done
  vault kv put -mount="$KV_MOUNT" -cas=0 "$path" "$@" >/dev/null
  echo "handover $name: copied to $KV_MOUNT/$path"
done

# Humans log in through Keycloak once the OIDC client secret is in Vault (phase 4).
if vault kv get -mount="$KV_MOUNT" -field=client-secret platform/oidc/vault >/tmp/oidc-secret 2>/dev/null; then
  vault read sys/auth/oidc >/dev/null 2>&1 || vault auth enable oidc
  vault write auth/oidc/config \
    oidc_discovery_url="$OIDC_DISCOVERY_URL" \
    oidc_client_id=vault \
    oidc_client_secret=@/tmp/oidc-secret \
    default_role=default >/dev/null
  rm -f /tmp/oidc-secret
  vault write auth/oidc/role/default @/config/oidc-role-default.json >/dev/null
  accessor=$(vault read -field=accessor sys/auth/oidc)
  for file in /config/group-*.policies; do
    [ -e "$file" ] || continue
    group=$(basename "$file" .policies | sed 's/^group-//')
    vault write identity/group name="$group" type=external policies="$(cat "$file")" >/dev/null
    id=$(vault read -field=id "identity/group/name/$group")
    if ! vault read -field=alias "identity/group/name/$group" 2>/dev/null | grep -q "$accessor"; then
      vault write identity/group-alias name="$group" mount_accessor="$accessor" canonical_id="$id" >/dev/null
    fi
    echo "group $group: mapped"
  done
else
  rm -f /tmp/oidc-secret
  echo "OIDC not configured yet: $KV_MOUNT/platform/oidc/vault has no client-secret." >&2
fi

# Managed but no longer declared: delete. Names outside eso-* and platform-* are never touched.
vault policy list | while read -r name; do
  case "$name" in
    eso-* | platform-*)
      if [ ! -e "/config/policy-$name.hcl" ]; then
        vault policy delete "$name" >/dev/null
        echo "policy $name: deleted"
      fi
      ;;
  esac
done
roles=$(vault list "auth/$K8S_AUTH_MOUNT/role" 2>/dev/null | tail -n +3) || roles=""
for name in $roles; do
  case "$name" in
    eso-* | platform-*)
      if [ ! -e "/config/role-$name.json" ]; then
        vault delete "auth/$K8S_AUTH_MOUNT/role/$name" >/dev/null
        echo "role $name: deleted"
      fi
      ;;
  esac
done
echo "Vault configuration converged."
`;
