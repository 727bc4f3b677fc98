#!/usr/bin/env bash
# The fuzz tier of scripts/test: each fuzz target runs briefly (FUZZTIME, default 6s) on
# top of its committed seed corpus (testdata/fuzz/<Target>/ beside it). A finding fails the
# tier; Go writes the failing input into that testdata folder, so it can be committed as a
# regression seed once fixed. For a longer run of one target:
#   go test -run '^$' -fuzz '^FuzzTokenRequest$' -fuzztime 10m ./function/
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/common.sh
need_go

FUZZTIME=${FUZZTIME:-6s}
# package target — every fuzz target of the repository, listed on purpose: a new one is
# added here (the check below fails when one is missing).
targets=(
  "./function FuzzTokenRequest"      # POST /v1/token: Authorization, Origin, Content-Type, query, body
  "./function FuzzRequestBody"       # JSON request bodies
  "./function FuzzPath"              # path normalisation
  "./function FuzzPolicy"            # policy templates ({sub}, {space})
  "./function FuzzTicketOpen"        # upload tickets: only what the function sealed opens
  "./function FuzzMatchers"          # the written-out MIME/meta-key/hash checks vs their regexps
  "./shared/smhemu FuzzParseRoute"   # the emulator's path and query parsing
  "./shared/smhemu FuzzParsePeriod"  # the emulator's token period parameter
  "./shared/hashes FuzzCRC64"        # CRC-64 (slicing-by-16) vs hash/crc64, offsets and pieces
  "./shared/hashes FuzzCRC32"        # CRC-32 (slicing-by-16) vs hash/crc32
  "./shared/hashes FuzzCombineCRC64" # CRC-64 combine vs a CRC-64 of the concatenation
  "./shared/hashes FuzzHex"          # Hex/ParseHex vs encoding/hex
  "./shared/hashes/gosha FuzzChain"  # the chained SHA-256, through checkpoints
  "./shared/hashes/sha1sum FuzzSHA1Resume" # SHA-1 saved and restored between pieces
  "./shared/gokuai FuzzInt"          # Gokuai's numbers that arrive as strings
  "./shared/gokuai FuzzAnswer"       # Gokuai answers and error bodies
  "./shared/gokuai FuzzUploadServer" # create_file's upload server address
  "./shared/gokuai FuzzCheckPath"    # Gokuai library paths
  "./shared/gokuai/upload FuzzUploadAnswer" # upload-server answers vs encoding/json
  "./shared/gokuaiemu FuzzUploadRange" # the emulator's x-gk-upload-range parser
  "./shared/jsonx FuzzParse"         # jsonx.Parse vs json.Valid and json.Unmarshal
  "./shared/jsonx FuzzString"        # jsonx.Writer's string quoting vs json.Marshal
  "./shared/jsonx FuzzRoundTrip"     # jsonx.Writer output read back by json.Unmarshal
  "./shared/jsonx FuzzCodec"         # the hand codecs' member writers and Fields vs encoding/json
  "./shared/jsonx FuzzTime"          # Fields.Time vs time.Time's UnmarshalJSON
  "./shared/urlx FuzzPathEscape"     # urlx.PathEscape vs url.PathEscape
  "./shared/urlx FuzzQueryEscape"    # urlx.QueryEscape vs url.QueryEscape
  "./shared/urlx FuzzValuesEncode"   # urlx.Values.Encode vs url.Values.Encode
  "./shared/urlx FuzzResolve"        # urlx.Resolve vs url.Parse(base).ResolveReference(…).String()
  "./shared/s3xml FuzzError"         # COS/OSS <Error> bodies vs encoding/xml
  "./shared/msgf FuzzSprintf"        # the browser build's Sprintf vs fmt.Sprintf
)

# Every fuzz target in the tree is listed, and each has a committed seed corpus.
listed=$(printf '%s\n' "${targets[@]}" | awk '{print $2}' | sort)
found=$(grep -rhoE --include='*_test.go' '^func (Fuzz[A-Za-z0-9_]+)\(f \*testing\.F\)' function shared wasm scripts 2>/dev/null |
  sed -E 's/^func (Fuzz[A-Za-z0-9_]+).*/\1/' | sort)
[ "$listed" = "$found" ] || die "fuzz targets in the tree and in scripts/lib/tier-fuzz.sh differ:
$(diff <(echo "$listed") <(echo "$found") || true)"
for t in "${targets[@]}"; do
  read -r pkg name <<<"$t"
  [ -n "$(ls "$pkg/testdata/fuzz/$name" 2>/dev/null)" ] || die "$name has no committed seed corpus in $pkg/testdata/fuzz/$name"
done

start=$SECONDS
for t in "${targets[@]}"; do
  read -r pkg name <<<"$t"
  t0=$SECONDS
  fuzz_once() { go test -run '^$' -fuzz "^$name\$" -fuzztime "$FUZZTIME" "$pkg" 2>&1; }
  if ! out=$(fuzz_once); then
    # Go's coordinator can report its own -fuzztime deadline as an error when a worker sees
    # it before the coordinator does (a race a busy machine makes likely). That is not a
    # finding (no input is written): run the target once more. A finding always fails.
    if ! grep -q 'Failing input written to' <<<"$out" && grep -q 'context deadline exceeded' <<<"$out"; then
      printf '  %-18s %-22s its -fuzztime deadline was reported as an error (no input found); once more\n' "$name" "$pkg"
      out=$(fuzz_once) || {
        printf '%s\n' "$out" | tail -n 40
        die "fuzz: $name ($pkg) failed twice (see above)"
      }
    else
      printf '%s\n' "$out" | tail -n 40
      die "fuzz: $name ($pkg) found a failing input (saved under $pkg/testdata/fuzz/$name/)"
    fi
  fi
  execs=$(printf '%s\n' "$out" | grep -oE 'execs: [0-9]+' | tail -1 | awk '{print $2}')
  printf '  %-18s %-22s %6s execs in %s (%d s with the build)\n' "$name" "$pkg" "${execs:-?}" "$FUZZTIME" $((SECONDS - t0))
done
ok "fuzz: ${#targets[@]} targets, $FUZZTIME each, no finding ($((SECONDS - start)) s)"
