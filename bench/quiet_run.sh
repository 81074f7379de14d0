#!/usr/bin/env bash
# Every issue-18 benchmark one after another (data set, flat costs twice, completion twice, rounds, timers,
# several nodes), the load average beside each; run it on an otherwise idle machine. Usage:
#   bench/quiet_run.sh <output dir>   (creates and overwrites the PostgreSQL databases h_lead_* on 127.0.0.1)
set -u
out="$(realpath -m "${1:?output dir}")"; cd "$(dirname "$0")/.."; mkdir -p "$out"
PG=postgresql://postgres@127.0.0.1:5432
step() { echo "=== $1 $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"; }
for db in h_lead_big h_lead_empty h_lead_pg h_lead_multi h_lead_jobs; do createdb -h 127.0.0.1 -U postgres $db 2>/dev/null; done
step data;   .venv/bin/python bench/province_data.py --database-url $PG/h_lead_big --json $out/data.json > $out/data.txt 2>&1; tail -25 $out/data.txt
step costs1; .venv/bin/python bench/province_costs.py --empty-url $PG/h_lead_empty --full-url $PG/h_lead_big --samples 60 --cases 6 --markdown --json $out/costs1.json > $out/costs1.txt 2>&1; tail -30 $out/costs1.txt
step costs2; .venv/bin/python bench/province_costs.py --empty-url $PG/h_lead_empty --full-url $PG/h_lead_big --samples 60 --cases 6 --markdown --json $out/costs2.json > $out/costs2.txt 2>&1; tail -30 $out/costs2.txt
step runcases1; .venv/bin/python bench/run_cases.py --cases 40 --compare-database-url $PG/h_lead_pg --json $out/run1.json > $out/run1.txt 2>&1; tail -25 $out/run1.txt
step runcases2; .venv/bin/python bench/run_cases.py --cases 40 --compare-database-url $PG/h_lead_pg --json $out/run2.json > $out/run2.txt 2>&1; tail -25 $out/run2.txt
step rounds; .venv/bin/python bench/rounds.py --pairs 20 --json $out/rounds.json > $out/rounds.txt 2>&1; tail -15 $out/rounds.txt
step timers; .venv/bin/python bench/fire_timers.py --database-url $PG/h_lead_jobs --workers 1,2 --json $out/timers.json > $out/timers.txt 2>&1; tail -15 $out/timers.txt
step multinode; .venv/bin/python bench/multi_node.py --cases 20 --timeout 240 --database-url $PG/h_lead_multi --json $out/multi.json > $out/multi.txt 2>&1; tail -40 $out/multi.txt
step end
