#!/usr/bin/env bash
# The lint tier of scripts/test: gofmt, go vet, goimports (with the module as the local
# import group) and staticcheck, natively and for the browser build (GOOS=js). The two
# tools are pinned and installed into .dev/tools from the Go module proxy on first use.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/common.sh
need_go

STATICCHECK_VERSION=v0.8.2 # honnef.co/go/tools
GOIMPORTS_VERSION=v0.52.0  # golang.org/x/tools
module=$(go list -m)
tools=$PWD/.dev/tools
mkdir -p "$tools"

# install NAME PACKAGE VERSION: go install into .dev/tools unless that version is there.
install() {
  local stamp="$tools/.$1-$3"
  [ -x "$tools/$1" ] && [ -f "$stamp" ] && return 0
  GOBIN=$tools go install "$2@$3" || die "could not install $2@$3 from the Go module proxy"
  rm -f "$tools/.$1-"*
  : >"$stamp"
}
install staticcheck honnef.co/go/tools/cmd/staticcheck "$STATICCHECK_VERSION"
install goimports golang.org/x/tools/cmd/goimports "$GOIMPORTS_VERSION"

files=$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*')
unformatted=$(gofmt -l $files)
[ -z "$unformatted" ] || die "gofmt would change: $unformatted (run gofmt -w on them)"
unimported=$("$tools/goimports" -local "$module" -l $files)
[ -z "$unimported" ] || die "goimports would change (standard library, then other modules, then $module):
$unimported
(run: .dev/tools/goimports -local $module -w <files>)"
go vet ./...
"$tools/staticcheck" ./... || die "staticcheck found the problems above (native build)"
# The browser build: the engine's js files and the Workers adapter are only seen with GOOS=js.
GOOS=js GOARCH=wasm "$tools/staticcheck" ./wasm/... ./function/... ./shared/... ||
  die "staticcheck found the problems above (GOOS=js build)"
printf '  gofmt, goimports, go vet and staticcheck %s: no finding\n' "$STATICCHECK_VERSION"
