#!/usr/bin/env bash
# Make a Redis server answer at 127.0.0.1:6379 (scale-out profile): use a running one, or
# install Debian's and start it (nothing kept on disk: it holds locks and notifications).
# With --optional (make test), a failure is a warning: the tests that need Redis skip.
set -uo pipefail
fail() {
  if [ "${1:-}" = "--optional" ]; then echo "warning: $2; tests that need Redis skip"; exit 0; fi
  echo "error: $2" >&2; exit 1
}
answers() { (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; }
if answers; then echo "Redis answers at 127.0.0.1:6379"; exit 0; fi
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
if [ -n "$sudo" ] && ! sudo -n true 2>/dev/null; then fail "${1:-}" "no Redis and no root to install it"; fi
command -v redis-server >/dev/null || {
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server; } \
  || fail "${1:-}" "installing Redis failed"
$sudo redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
  || fail "${1:-}" "Redis did not start"
for _ in $(seq 20); do answers && { echo "Redis started"; exit 0; }; sleep 0.5; done
fail "${1:-}" "Redis did not start"
