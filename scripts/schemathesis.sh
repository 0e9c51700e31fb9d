#!/usr/bin/env bash
# Property-based API testing of a running siks demo with schemathesis, as three roles: the village
# operator (desa), the regency's Dinas Sosial (dinsos) and the ministry (pusat). Not part of CI:
# it needs schemathesis (pip install schemathesis) and a demo that it may change.
#
#   cargo run --release -- demo --dir /tmp/siks-demo        # in another terminal
#   scripts/schemathesis.sh http://127.0.0.1:8080 /tmp/siks-demo/akun-demo.txt [max-examples]
#
# For each role it signs in through the sign-in page (its CSRF cookie and field), reads the
# session's CSRF token from a page, and runs every check of schemathesis against
# /api/v1/openapi.json with the session cookie (as the document's `session` scheme) and the
# X-CSRF-Token header. The report of each
# role is written to schemathesis-ROLE.txt in the current directory; the script ends non-zero if
# any role's run failed a check.
set -uo pipefail
base="${1:-http://127.0.0.1:8080}"
accounts="${2:-akun-demo.txt}"
examples="${3:-25}"
st="${SCHEMATHESIS:-schemathesis}"
command -v "$st" >/dev/null || { echo "schemathesis tidak ditemukan: pip install schemathesis" >&2; exit 2; }
[ -r "$accounts" ] || { echo "berkas akun '$accounts' tidak terbaca" >&2; exit 2; }

status=0
for user in desa dinsos pusat; do
    password=$(awk -v u="$user" '$1 == u { print $2 }' "$accounts")
    [ -n "$password" ] || { echo "akun $user tidak ada di $accounts" >&2; exit 2; }
    jar=$(mktemp)
    login_csrf=$(curl -s -c "$jar" "$base/masuk" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
    curl -s -b "$jar" -c "$jar" -o /dev/null \
        --data-urlencode "nama=$user" --data-urlencode "sandi=$password" \
        --data-urlencode "csrf=$login_csrf" "$base/masuk"
    session=$(awk '$6 == "siks_sesi" { print $7 }' "$jar")
    [ -n "$session" ] || { echo "masuk sebagai $user gagal" >&2; exit 2; }
    csrf=$(curl -s -b "$jar" "$base/" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
    rm -f "$jar"
    echo "== $user"
    # The session goes in through the document's own security scheme (`session`, a cookie),
    # so that schemathesis knows when it leaves it out on purpose; the CSRF token as a header.
    config=$(mktemp --suffix=.toml)
    printf '[auth.openapi.session]\napi_key = "%s"\n' "$session" > "$config"
    "$st" --config-file "$config" run "$base/api/v1/openapi.json" --url "$base/api/v1" \
        -H "X-CSRF-Token: $csrf" \
        --checks all --max-examples "$examples" --no-color \
        > "schemathesis-$user.txt" 2>&1 || status=1
    rm -f "$config"
    tail -n 25 "schemathesis-$user.txt"
done
exit $status
