#!/usr/bin/env bash
# Refresh the vendored front-end assets from the npm registry. Running Revier needs no Node.js:
# the results are committed under src/revier/frontend/static/vendor/. Bump versions here.
set -euo pipefail
KERN_VERSION=2.7.2
HTMX_VERSION=2.0.11
AXE_VERSION=4.14.1
LEAFLET_VERSION=1.9.4
# ALTCHA 2.x: the last widget that solves the v1 challenge format core.abuse issues (ADR 0028).
ALTCHA_VERSION=2.3.0

root=$(cd "$(dirname "$0")/.." && pwd)
vendor="$root/src/revier/frontend/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "@kern-ux/native@$KERN_VERSION" "htmx.org@$HTMX_VERSION" "axe-core@$AXE_VERSION" \
  "leaflet@$LEAFLET_VERSION" "altcha@$ALTCHA_VERSION" >/dev/null
for f in *.tgz; do mkdir "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}" --strip-components=1; done

rm -rf "$vendor/kern" "$vendor/htmx" "$vendor/leaflet" "$vendor/altcha"
mkdir -p "$vendor/kern/fonts" "$vendor/htmx" "$vendor/leaflet/images" "$vendor/altcha"
kern="kern-ux-native-$KERN_VERSION"
cp "$kern/dist/kern.min.css" "$kern/LICENSE.md" "$vendor/kern/"
cp -r "$kern/dist/fonts/fira-sans" "$kern/dist/fonts/fira-sans.css" "$vendor/kern/fonts/"
cp "htmx.org-$HTMX_VERSION/dist/htmx.min.js" "htmx.org-$HTMX_VERSION/LICENSE" "$vendor/htmx/"
# Leaflet: the minified build, its stylesheet and the marker images the stylesheet points to.
leaflet="leaflet-$LEAFLET_VERSION"
cp "$leaflet/dist/leaflet.js" "$leaflet/dist/leaflet.css" "$leaflet/LICENSE" "$vendor/leaflet/"
cp "$leaflet"/dist/images/*.png "$vendor/leaflet/images/"
# The source map is not shipped; its reference would break the hashed static files (collectstatic).
sed -i "/sourceMappingURL=/d" "$vendor/leaflet/leaflet.js"
# ALTCHA: the "external" build (styles and worker as files of their own, for the strict CSP).
altcha="altcha-$ALTCHA_VERSION"
cp "$altcha/dist_external/altcha.js" "$altcha/dist_external/worker.js" \
  "$altcha/dist_external/altcha.css" "$vendor/altcha/"
cp "$altcha/LICENSE.txt" "$vendor/altcha/LICENSE"
# axe-core is only used by the accessibility tests, not served to residents.
mkdir -p "$root/tests/browser/vendor"
cp "axe-core-$AXE_VERSION/axe.min.js" "$root/tests/browser/vendor/axe.min.js"
cat > "$vendor/VERSIONS.txt" <<VERSIONS
@kern-ux/native $KERN_VERSION (EUPL-1.2)
htmx.org $HTMX_VERSION (0BSD)
leaflet $LEAFLET_VERSION (BSD-2-Clause)
altcha $ALTCHA_VERSION (MIT)
axe-core $AXE_VERSION (MPL-2.0, tests only: tests/browser/vendor/axe.min.js)
VERSIONS
echo "vendored into $vendor"
