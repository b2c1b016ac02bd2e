# Shared by the ledger benchmarks (sourced by bench/ledger-earn and bench/ledger-mixed): the local
# stack's addresses and secrets, the bench partner's directory rows, its Keycloak client, and the
# optional history seed (--history).
LEDGER=http://127.0.0.1:8083
KEYCLOAK=http://127.0.0.1:8180
set -a; . .pointmesh/secrets.env; set +a
PGPORT=${POINTMESH_PG_PORT:-55432}
export PGPASSWORD="$POINTMESH_PG_SUPERUSER_PASSWORD"
PSQL=(psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d pointmesh_ledger -v ON_ERROR_STOP=1 -q)
JAVA=java
[ -x .pointmesh/tools/jdk/bin/java ] && JAVA=.pointmesh/tools/jdk/bin/java
BENCH_PARTNER_SECRET=bench-partner-secret-local-only

# The ledger answering; a restart of it (a few seconds) is waited for, else the stack is started.
bench_ledger_ready() {
  for _ in $(seq 1 90); do
    curl -fs "$LEDGER/q/health/ready" >/dev/null 2>&1 && return 0
    sleep 1
  done
  ./pointmesh up
}

# SQL: a bench partner (by default bench-partner with store B001; a 1 % earn rule, no pending
# period), as partner.events would have written it.
bench_partner_sql() {
  local id=${1:-bench-partner} name=${2:-Bench Mart} store=${3:-B001}
  cat <<SQL
INSERT INTO partner_directory (partner_id, legal_name, category, status, updated_at)
  VALUES ('$id', '$name', 'mart', 'ACTIVE', now()) ON CONFLICT (partner_id) DO UPDATE SET status = 'ACTIVE';
INSERT INTO account (id, kind, owner_id) VALUES ('partner:$id:issuance', 'PARTNER_ISSUANCE', '$id'),
  ('partner:$id:redemption', 'PARTNER_REDEMPTION', '$id') ON CONFLICT DO NOTHING;
INSERT INTO store_directory (partner_id, store_code, name, channel, region, open, updated_at)
  VALUES ('$id', '$store', 'Bench store', 'OFFLINE', 'Seoul', true, now()) ON CONFLICT DO NOTHING;
INSERT INTO earn_rule (partner_id, version, base_rate, pending_days, validity_months, backdating_days, effective_from)
  VALUES ('$id', 1, 0.01, 0, 60, 30, '2020-01-01') ON CONFLICT DO NOTHING;
SQL
}

# A value of the JSON on stdin: json_field 'd["access_token"]'
json_field() { python3 -c "import json,sys; d = json.load(sys.stdin); print($1)"; }

# A Keycloak admin token (master realm) in KC_ADMIN, and the pointmesh realm's admin API in KC_API.
keycloak_admin() {
  KC_ADMIN=$(curl -fs "$KEYCLOAK/realms/master/protocol/openid-connect/token" -d grant_type=password -d client_id=admin-cli \
    -d "username=${POINTMESH_KEYCLOAK_ADMIN_USERNAME:-admin}" --data-urlencode "password=$POINTMESH_KEYCLOAK_ADMIN_PASSWORD" \
    | json_field 'd["access_token"]')
  KC_API="$KEYCLOAK/admin/realms/pointmesh"
}

# The bench partner's confidential client in Keycloak (role partner, a partner_id claim, scope points:write), once.
bench_partner_client() {
  keycloak_admin
  local AUTH=(-H "Authorization: Bearer $KC_ADMIN")
  if [ "$(curl -fs "${AUTH[@]}" "$KC_API/clients?clientId=bench-partner" | json_field 'len(d)')" = 0 ]; then
    curl -fs "${AUTH[@]}" -H 'Content-Type: application/json' "$KC_API/clients" -d @- <<JSON
{"clientId": "bench-partner", "enabled": true, "publicClient": false, "secret": "$BENCH_PARTNER_SECRET", "serviceAccountsEnabled": true,
 "standardFlowEnabled": false, "directAccessGrantsEnabled": false, "protocol": "openid-connect",
 "defaultClientScopes": ["web-origins", "acr", "profile", "roles", "basic", "email", "points:write"],
 "protocolMappers": [
  {"name": "pointmesh-api-audience", "protocol": "openid-connect", "protocolMapper": "oidc-audience-mapper",
   "config": {"included.custom.audience": "pointmesh-api", "access.token.claim": "true", "id.token.claim": "false"}},
  {"name": "partner-id", "protocol": "openid-connect", "protocolMapper": "oidc-hardcoded-claim-mapper",
   "config": {"claim.name": "partner_id", "claim.value": "bench-partner", "jsonType.label": "String", "access.token.claim": "true"}}]}
JSON
    local CID UID_ ROLE
    CID=$(curl -fs "${AUTH[@]}" "$KC_API/clients?clientId=bench-partner" | json_field 'd[0]["id"]')
    UID_=$(curl -fs "${AUTH[@]}" "$KC_API/clients/$CID/service-account-user" | json_field 'd["id"]')
    ROLE=$(curl -fs "${AUTH[@]}" "$KC_API/roles/partner")
    curl -fs "${AUTH[@]}" -H 'Content-Type: application/json' "$KC_API/users/$UID_/role-mappings/realm" -d "[$ROLE]"
  fi
}

# --history: a history partner (hist-partner) with HIST_MEMBERS (1,000,000) members and HIST_TRANSFERS
# (10,000,000) earnings, each a transfer, a lot and an earning row (bench/ledger-history.sql), seeded
# once into HIST_DB (the ledger's database) in transactions of HIST_CHUNK (100,000) members. A second
# run finds it there and seeds nothing. HIST_TRIGGERS=on posts balances through the ledger's own
# triggers (checked at commit; slow at full size), off (default) skips them in this session only and
# writes the same balances set-based; either way every invariant holds (ledger_invariant_violation).
bench_history() {
  local members=${HIST_MEMBERS:-1000000} transfers=${HIST_TRANSFERS:-10000000} chunk=${HIST_CHUNK:-100000}
  local db=${HIST_DB:-pointmesh_ledger} triggers=${HIST_TRIGGERS:-off}
  local per=$((transfers / members)) began seeded lo hi
  local label="Bench history: $members members x $per earnings"
  local psql_=(psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d "$db" -v ON_ERROR_STOP=1 -q)
  echo "==> history: $members members, $((per * members)) transfers of hist-partner in $db"
  began=$(date +%s.%N)
  seeded=$("${psql_[@]}" -tA -c "SELECT legal_name FROM partner_directory WHERE partner_id = 'hist-partner'")
  if [ -n "$seeded" ] && [ "$seeded" != "$label" ]; then
    echo "    $db already holds another history ($seeded); HIST_MEMBERS/HIST_TRANSFERS must match it" >&2
    return 1
  fi
  bench_partner_sql hist-partner "$label" H001 | "${psql_[@]}"
  seeded=
  for ((lo = 1; lo <= members; lo += chunk)); do
    hi=$((lo + chunk - 1 < members ? lo + chunk - 1 : members))
    local out
    out=$("${psql_[@]}" -v lo="$lo" -v hi="$hi" -v per="$per" -v triggers="$triggers" -f bench/ledger-history.sql)
    echo "$out ($(python3 -c "print(f'{$(date +%s.%N) - $began:.0f}')") s)"
    case "$out" in *"already seeded"*) ;; *) seeded=yes ;; esac
  done
  if [ -n "$seeded" ]; then
    "${psql_[@]}" -c "VACUUM ANALYZE member_directory, card, account, member_balance, lot, earning, transfer, account_shard"
    echo "    history seeded in $(python3 -c "print(f'{$(date +%s.%N) - $began:.0f}')") s (with VACUUM ANALYZE)"
  else
    echo "    history already seeded (checked in $(python3 -c "print(f'{$(date +%s.%N) - $began:.1f}')") s)"
  fi
}
