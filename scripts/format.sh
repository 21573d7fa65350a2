#!/usr/bin/env bash
# Formats the hand-written Swift with the toolchain's swift-format and the root
# .swift-format configuration. Generated code (Shared/Protos) is left as generated.
#   scripts/format.sh          format in place
#   scripts/format.sh --check  list files that are not formatted and fail (.ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.swift' | grep -v '^Shared/Protos/' | LC_ALL=C sort)
if [[ "${1:-}" == "--check" ]]; then
  bad=()
  for f in "${files[@]}"; do
    [[ -f "$f" ]] || continue
    swift format format --configuration .swift-format "$f" | cmp -s - "$f" || bad+=("$f")
  done
  if [[ ${#bad[@]} -gt 0 ]]; then
    printf 'not formatted: %s\n' "${bad[@]}" >&2
    echo "run scripts/format.sh and commit" >&2
    exit 1
  fi
  echo "formatting is up to date (${#files[@]} files)"
else
  swift format format --configuration .swift-format --in-place "${files[@]}"
fi
