#!/usr/bin/env bash
# Runs every example to its end against the embedded fake Asterisk (no
# AMI_HOST) and checks that it exits 0; then runs the monitoring check
# against a closed port and checks that it reports CRITICAL (exit 2).
#
# The examples are built with the profile and features of
# `cargo test --workspace --all-features` (so after .ci/run's test step
# nothing is rebuilt) and run as binaries, never through cargo from inside
# a test. AMI_EXAMPLE_TIMEOUT bounds how long any example waits for events.
#
#   .ci/check-examples.sh
set -euo pipefail
cd "$(dirname "$0")/.."

unset AMI_HOST AMI_PORT AMI_USER AMI_SECRET AMI_TLS AMI_CA_FILE
export AMI_EXAMPLE_TIMEOUT="${AMI_EXAMPLE_TIMEOUT:-10}"

# name<TAB>path of every example executable the build produced.
examples="$(cargo build -q --profile test --all-features -p ami-core -p ami-actions --examples \
    --message-format=json | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and "example" in m["target"]["kind"] and m.get("executable"):
        print(m["target"]["name"] + "\t" + m["executable"])
')"
[ -n "$examples" ] || { echo "check-examples: the build produced no example" >&2; exit 1; }

# (ami_spec_counts, a helper of .ci/check-ami-spec.sh, runs too: it needs no server.)
passed=0; failed=0
while IFS=$'\t' read -r name exe; do
    start=$(date +%s)
    if out="$(timeout 120 "$exe" 2>&1)"; then
        echo "ok $name ($(( $(date +%s) - start ))s)"
        passed=$((passed+1))
    else
        rc=$?
        echo "FAIL $name: exit $rc"; echo "$out" | tail -20 | sed 's/^/    /'
        failed=$((failed+1))
    fi
done <<< "$examples"

# The monitoring check must fail when the server is unreachable.
monitor="$(printf '%s\n' "$examples" | awk -F'\t' '$1=="monitor_check"{print $2}')"
closed_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
set +e
out="$(AMI_HOST=127.0.0.1 AMI_PORT="$closed_port" AMI_SECRET=x timeout 60 "$monitor" 2>&1)"
rc=$?
set -e
if [ "$rc" -eq 2 ] && [[ "$out" == "AMI CRITICAL - "* ]]; then
    echo "ok monitor_check against a closed port: exit 2, $out"
    passed=$((passed+1))
else
    echo "FAIL monitor_check against a closed port: exit $rc (want 2): $out"
    failed=$((failed+1))
fi

echo "check-examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
