#!/usr/bin/env bash
# Build the image, start compose.yaml, and check the deployment through its proxy: ready at the
# migrations' head, the sign-in page served by both instances, production's settings accepted,
# the worker and the sweep running. Everything is removed at the end. Needs Docker with compose.
set -euo pipefail
cd "$(dirname "$0")/.."
random() { python3 -c 'import secrets; print(secrets.token_urlsafe(36))'; }
export SECRET_KEY="${SECRET_KEY:-$(random)}" AUDIT_KEY="${AUDIT_KEY:-$(random)}"
export METRICS_TOKEN="${METRICS_TOKEN:-$(random)}" PORT="${PORT:-8080}"
compose=(docker compose -p disputedesk-smoke)
trap '"${compose[@]}" down -v --remove-orphans >/dev/null 2>&1' EXIT

"${compose[@]}" build
"${compose[@]}" up -d --wait --wait-timeout 240 web1 web2 proxy worker sweep
curl -fsS "http://127.0.0.1:$PORT/readyz"; echo
for _ in 1 2 3 4; do
    curl -fsS -o /dev/null -w '%{http_code} ' "http://127.0.0.1:$PORT/login"
done; echo
"${compose[@]}" exec -T web1 disputedesk check-config
"${compose[@]}" logs web1 web2 | grep -c 'GET /login' | xargs -I{} echo "sign-in pages served: {}"
for service in web1 web2; do  # round robin: each instance answered some of them
    "${compose[@]}" logs "$service" | grep -q 'GET /login' || { echo "$service served none"; exit 1; }
done
for service in worker sweep; do
    [ "$("${compose[@]}" ps -q --status running "$service")" ] || { echo "$service is not running"; exit 1; }
done
echo "compose smoke: ok"
