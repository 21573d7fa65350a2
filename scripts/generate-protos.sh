#!/usr/bin/env bash
# Regenerates the committed Swift code in Shared/Protos from protos/.
#   Shared/Protos/Messages  messages and enums (protoc-gen-swift, from the mirrored swift-protobuf)
#   Shared/Protos/Services  method tables, handler protocols, client stubs (protoc-gen-civic, ours)
# Needs protoc (Debian: protobuf-compiler). Usage: scripts/generate-protos.sh [--check]
# With --check it regenerates into a temporary folder and fails if anything differs.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v protoc >/dev/null || { echo "protoc not found: apt-get install -y protobuf-compiler" >&2; exit 1; }
scratch="${CIVIC_PROTOC_BUILD:-.build}"
swift build --scratch-path "$scratch" --product protoc-gen-swift >/dev/null
swift build --scratch-path "$scratch" --product protoc-gen-civic >/dev/null
bin="$(swift build --scratch-path "$scratch" --show-bin-path)"

out_messages=Shared/Protos/Messages
out_services=Shared/Protos/Services
if [[ "${1:-}" == "--check" ]]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  out_messages="$tmp/Messages"
  out_services="$tmp/Services"
fi
mkdir -p "$out_messages" "$out_services"
rm -f "$out_messages"/*.pb.swift "$out_services"/*.civic.swift

mapfile -t protos < <(cd protos && find civic -name '*.proto' | LC_ALL=C sort)
# FileNaming=PathToUnderscores keeps one flat folder per target (civic_proposals_v1_proposals.pb.swift).
protoc -I protos \
  --plugin=protoc-gen-swift="$bin/protoc-gen-swift" \
  --swift_out="$out_messages" --swift_opt=Visibility=Public,FileNaming=PathToUnderscores \
  "${protos[@]}"
protoc -I protos \
  --plugin=protoc-gen-civic="$bin/protoc-gen-civic" \
  --civic_out="$out_services" \
  "${protos[@]}"
# Flatten the plugin's per-path output the same way.
find "$out_services" -mindepth 2 -name '*.civic.swift' | while read -r f; do
  rel="${f#"$out_services"/}"
  mv "$f" "$out_services/${rel//\//_}"
done
find "$out_services" -mindepth 1 -type d -empty -delete

if [[ "${1:-}" == "--check" ]]; then
  if ! diff -ru Shared/Protos/Messages "$out_messages" || ! diff -ru Shared/Protos/Services "$out_services"; then
    echo "generated code is out of date: run scripts/generate-protos.sh and commit" >&2
    exit 1
  fi
  echo "generated code is up to date"
fi
