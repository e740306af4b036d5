#!/usr/bin/env bash
# Builds ami-actions from each upstream core-en_US.xml through AMI_SPEC (with
# its prose as rustdoc) and checks that the generated actions and events
# match the distinct names in the file. Runs cargo in its own target
# directory, never from inside a test (the target lock).
#
#   .ci/check-ami-spec.sh [SHARED_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${1:-../shared}"
upstream="$shared/spec-upstream"
if [ ! -d "$upstream" ]; then
    if [ "${CI:-}" = "true" ]; then echo "check-ami-spec: $upstream missing" >&2; exit 1; fi
    echo "check-ami-spec: skipped, $upstream not found"; exit 0
fi
export CARGO_TARGET_DIR="${AMI_SPEC_TARGET_DIR:-target/ami-spec}"
passed=0; failed=0
for xml in "$upstream"/asterisk-*/core-en_US.xml; do
    release="$(basename "$(dirname "$xml")")"
    want_actions="$(python3 - "$xml" <<'PY'
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
print(len(set(re.findall(r'<manager\s[^>]*?name="([^"]+)"', t))))
PY
)"
    want_events="$(python3 - "$xml" <<'PY'
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
print(len(set(re.findall(r'<managerEvent\s[^>]*?name="([^"]+)"', t))))
PY
)"
    start=$(date +%s)
    if ! out="$(AMI_SPEC="$(realpath "$xml")" cargo run -q -p ami-actions --example ami_spec_counts 2>&1)"; then
        echo "FAIL $release: build failed"; echo "$out" | tail -30; failed=$((failed+1)); continue
    fi
    got_actions="$(echo "$out" | awk '$1=="actions"{print $2}')"
    got_events="$(echo "$out" | awk '$1=="xml_events"{print $2}')"
    secs=$(( $(date +%s) - start ))
    if [ "$got_actions" = "$want_actions" ] && [ "$got_events" = "$want_events" ]; then
        echo "ok $release: $got_actions actions, $got_events events (${secs}s)"
        passed=$((passed+1))
    else
        echo "FAIL $release: actions $got_actions (file: $want_actions), events $got_events (file: $want_events)"
        failed=$((failed+1))
    fi
done
echo "check-ami-spec: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
