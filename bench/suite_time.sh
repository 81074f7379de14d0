#!/usr/bin/env bash
# `make test` of two revisions, each from a fresh clone (so the install, the mypy cache and the fuzz cache are
# cold, as in CI), alternated pair by pair so that a drift of the machine's speed hits both; run it on an
# otherwise idle machine. Prints each run's wall, user and system seconds (/usr/bin/time) and the load average
# at its start, then each pair's wall ratio. Usage:
#   bench/suite_time.sh <before revision> <after revision> [pairs, default 3] [work dir, default /tmp/suite-time]
# Both runs use the same PostgreSQL test databases (PG_TEST_URL of the Makefile; each run starts by dropping them).
set -u
before="${1:?before revision}"; after="${2:?after revision}"; pairs="${3:-3}"; work="$(realpath -m "${4:-/tmp/suite-time}")"
repo="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$work"

run() {  # $1 label, $2 revision, $3 pair: one fresh clone, `make test`, its figures on one line
    local dir="$work/$1" log="$work/$1-$3.log"
    rm -rf "$dir" && git clone -q "$repo" "$dir" && git -C "$dir" checkout -q "$2"
    local load; load="$(cut -d' ' -f1 /proc/loadavg)"
    (cd "$dir" && /usr/bin/time -f "%e %U %S" -o "$work/time" make test > "$log" 2>&1)
    local status=$?
    read -r wall user sys < <(tail -1 "$work/time")  # a failed run's first line is "Command exited with ..."
    echo "$1 $3 $(git -C "$dir" rev-parse --short HEAD) status=$status wall=$wall user=$user sys=$sys load=$load" \
        "$(grep -E '^[0-9]+ (passed|failed)' "$log" | tr '\n' ' ')"
    echo "$wall" > "$work/$1-$3.wall"
}

for pair in $(seq 1 "$pairs"); do
    run before "$before" "$pair"
    run after "$after" "$pair"
    echo "pair $pair: after/before = $(python3 -c "print(round($(cat "$work/after-$pair.wall") / $(cat "$work/before-$pair.wall"), 3))")"
done
