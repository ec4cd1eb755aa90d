#!/usr/bin/env bash
# Make a PostgreSQL server answer at 127.0.0.1:5432 for the tests (user postgres, trust auth):
# use one that is already running, or install Debian's and start it. Without root or sudo, or
# when the install fails, say so and go on: the tests then run on SQLite only.
set -uo pipefail

answers() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }

if answers; then
  echo "PostgreSQL answers at 127.0.0.1:5432"
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  if ! sudo -n true 2>/dev/null; then
    echo "warning: no PostgreSQL at 127.0.0.1:5432 and no root to install one; tests use SQLite only"
    exit 0
  fi
  sudo="sudo"
fi
echo "Installing and starting PostgreSQL from Debian's packages"
if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql; }; then
  echo "warning: installing PostgreSQL failed; tests use SQLite only"
  exit 0
fi
version=$(ls /etc/postgresql | sort -V | tail -n 1)
hba=/etc/postgresql/$version/main/pg_hba.conf
# Throw-away test databases on loopback only: trust the local test connections.
if ! $sudo grep -q '^host all postgres 127.0.0.1/32 trust' "$hba"; then
  $sudo sed -i '1i host all postgres 127.0.0.1/32 trust' "$hba"
fi
$sudo pg_ctlcluster --skip-systemctl-redirect "$version" main start || $sudo pg_ctlcluster "$version" main reload
for _ in $(seq 30); do answers && { echo "PostgreSQL started ($version)"; exit 0; }; sleep 1; done
echo "warning: PostgreSQL did not start; tests use SQLite only"
exit 0
