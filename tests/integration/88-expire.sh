#!/bin/sh
# Refresh's expiry in batches (issue 25): expired records in different
# states and of different runs are marked terminated by one state-cas
# (--each: each line its own id, from-state and run id, each its own
# conditional write), and their signals, heartbeats and tokens deleted by
# one state-put (BatchWriteItem DeleteRequests, 8 instances a call); a
# record claimed between refresh's read and its write is left alone.
. tests/integration/lib.sh
stack_start
export GITHUB_REPOSITORY=octo/expire INPUT_AMI=ami-0123456789abcdef0
expect 0 "refresh sets the pool up" ec2rp-refresh

calls() { sim GET /calls | jq --arg a "$1" '[.[] | select(.action == $a)] | length'; }
TAB=$(printf '\t')
A=i-00000000000000e01 B=i-00000000000000e02 C=i-00000000000000e03

# state-cas --each: its input, refused whole when a line is bad.
state-cas --threshold-in 600 --resource-class large $A $B $C none idle > /dev/null
state-cas --run-id r1 --threshold-in 600 --resource-class large $B idle claimed > /dev/null
printf '%s\tidle\t-\n%s\tclaimed\tr1\n%s\tclaimed\tr9\n' $A $B $C > "$T_TMP/each"
u0=$(calls UpdateItem)
printf '%s\tidle\t-\n%s\tclaimed\n' $A $B > "$T_TMP/bad"
expect 2 "--each with a line of two fields: exit 2" state-cas --each "$T_TMP/bad" terminated
check "the line named" err_has "line 2: expected ID<TAB>FROM<TAB>RUN"
printf '%s\tidle\t-\n%s\tgone\tr1\n' $A $B > "$T_TMP/bad"
expect 2 "--each with an unknown state: exit 2" state-cas --each "$T_TMP/bad" terminated
check "the line named" err_has "line 2: no such transition: gone -> terminated"
printf '%s\tclaimed\t-\n' $B > "$T_TMP/bad"
expect 2 "--each, a move that needs a run id without one: exit 2" state-cas --threshold-in 60 --each "$T_TMP/bad" running
expect 2 "--each with --run-id: exit 2" state-cas --run-id r1 --each "$T_TMP/each" terminated
expect 2 "--each with ids as well: exit 2" state-cas --each "$T_TMP/each" $A terminated
check "nothing sent for any of them" [ "$(calls UpdateItem)" -eq "$u0" ]
check "the records unchanged" [ "$(state-get --consistent $A $B $C | cut -f2 | tr '\n' ' ')" = "idle claimed idle " ]
expect 1 "--each from stdin: three moves, one lost (exit 1)" sh -c "state-cas --each - terminated < '$T_TMP/each'"
check "a line each, in order: C lost (not claimed by r9)" [ "$(cat "$T_OUT")" = "$(printf '%s\t0\n%s\t0\n%s\t1' $A $B $C)" ]
check "one write each" [ "$(calls UpdateItem)" -eq $((u0 + 3)) ]
check "the records say so" [ "$(state-get --consistent $A $B $C | cut -f2 | tr '\n' ' ')" = "terminated terminated idle " ]
: > "$T_TMP/empty"
expect 0 "--each with an empty list: nothing to do" state-cas --each "$T_TMP/empty" terminated
check "and nothing printed" [ ! -s "$T_OUT" ]

# state-put delete with many ids: 8 instances (24 items) a BatchWriteItem.
ids=$(i=0; while [ $i -lt 10 ]; do printf 'i-%017x ' $((0xd00 + i)); i=$((i + 1)); done)
for id in $ids; do state-put heartbeat "$id" && state-put signal "$id" registered --run-id r2; done > /dev/null
b0=$(calls BatchWriteItem) d0=$(calls DeleteItem)
# shellcheck disable=SC2086 # ids are words
expect 2 "delete with an id twice: exit 2" state-put delete $ids i-00000000000000d00
check "the repeated id named" err_has "instance id i-00000000000000d00 given twice"
expect 2 "delete with a bad id among them: exit 2" state-put delete i-00000000000000d00 i-nope
check "nothing sent" [ "$(calls BatchWriteItem)" -eq "$b0" ]
# shellcheck disable=SC2086
expect 0 "delete for 10 instances" state-put delete $ids
check "a line each, in order" [ "$(cut -f1 "$T_OUT" | tr '\n' ' ')" = "$ids" ]
check "each code 0" [ "$(cut -f2 "$T_OUT" | sort -u)" = 0 ]
check "two BatchWriteItem calls (8 + 2 instances)" [ "$(($(calls BatchWriteItem) - b0))" -eq 2 ]
check "and no DeleteItem" [ "$(calls DeleteItem)" -eq "$d0" ]
# shellcheck disable=SC2086
check "their signals and heartbeats are gone" [ -z "$(state-get --kind heartbeat $ids 2>/dev/null)$(state-get --kind signal $ids 2>/dev/null)" ]
state-put heartbeat $A > /dev/null
expect 0 "delete for one instance" state-put delete $A
check "prints nothing (as before)" [ ! -s "$T_OUT" ]
check "three DeleteItem (what an instance's role allows), no BatchWriteItem" \
	[ "$(($(calls DeleteItem) - d0)) $(($(calls BatchWriteItem) - b0))" = "3 2" ]

# Refresh: ghosts (in EC2 under the pool's tag, running records, no agent)
# expired in four states and three runs, and a record naming no instance.
node tests/bench/seed.js "$SIM_DIR" ghosts 4 large > "$T_TMP/ghosts" || echo "not ok - seed"
G0=$(sed -n 1p "$T_TMP/ghosts") G1=$(sed -n 2p "$T_TMP/ghosts") G2=$(sed -n 3p "$T_TMP/ghosts") G3=$(sed -n 4p "$T_TMP/ghosts")
GONE=i-00000000000000e99
node tests/bench/seed.js "$SIM_DIR" expire "$G0" "$G3"
state-cas --run-id ghost-1 --threshold 1 "$G1" running idle > /dev/null
state-cas --run-id ghost-2 --threshold-in 600 "$G2" running idle > /dev/null
state-cas --run-id r88 --threshold 1 --resource-class large "$G2" idle claimed > /dev/null
state-cas --run-id r88g --threshold 1 "$GONE" none created > /dev/null
check "five expired records" [ "$(state-scan --expired | grep -c "^i-00000000000000e99\|^$G0\|^$G1\|^$G2\|^$G3")" -eq 5 ]
# Wrappers count the tools refresh starts; the first state-cas first
# claims G3 (expired while running for ghost-3) for another run: what a
# provision racing with refresh does between its read and its write.
mkdir -p "$T_TMP/wrap"
for t in state-cas state-put; do
	printf '#!/bin/sh\necho %s >> "%s/started"\n' "$t" "$T_TMP" > "$T_TMP/wrap/$t"
	[ "$t" = state-put ] || printf '[ -e "%s/raced" ] || { : > "%s/raced"; "%s" --run-id ghost-3 --threshold-in 600 %s running idle && "%s" --run-id r88x --threshold-in 600 %s idle claimed; } > /dev/null\n' \
		"$T_TMP" "$T_TMP" "$(command -v state-cas)" "$G3" "$(command -v state-cas)" "$G3" >> "$T_TMP/wrap/$t"
	printf 'exec "%s" "$@"\n' "$(command -v $t)" >> "$T_TMP/wrap/$t"
	chmod +x "$T_TMP/wrap/$t"
done
: > "$T_TMP/started"
u0=$(calls UpdateItem) b0=$(calls BatchWriteItem) d0=$(calls DeleteItem)
expect 0 "refresh" env PATH="$T_TMP/wrap:$PATH" ec2rp-refresh
check "G0 terminated (expired while running)" err_has "$G0: expired while running: terminated"
check "G1 terminated (expired while idle)" err_has "$G1: expired while idle: terminated"
check "G2 terminated (expired while claimed, run r88)" err_has "$G2: expired while claimed: terminated"
check "the record naming no instance retired" err_has "$GONE: expired record names no instance of pool ec2-runner-pool in EC2: record retired, nothing terminated"
check "G3, claimed after the read, left alone: no message" sh -c "! grep -q '$G3' '$T_ERR'"
check "its record is the claim's" [ "$(state-get --consistent "$G3" | cut -f2,3)" = "claimed${TAB}r88x" ]
check "the others' records terminated" [ "$(state-get --consistent "$G0" "$G1" "$G2" "$GONE" | cut -f2 | sort -u)" = terminated ]
check "EC2 runs G3 only of them" [ "$(ec2-list --state pending,running | cut -f1 | grep "$G0\|$G1\|$G2\|$G3")" = "$G3" ]
check_with "$T_TMP/started" "one state-cas for all five" [ "$(grep -c '^state-cas$' "$T_TMP/started")" -eq 1 ]
check_with "$T_TMP/started" "one state-put for their signals, heartbeats and tokens" [ "$(grep -c '^state-put$' "$T_TMP/started")" -eq 1 ]
check "one conditional write each (5, and the race's 2)" [ "$(($(calls UpdateItem) - u0))" -eq 7 ]
check "one BatchWriteItem for the deletes, no DeleteItem" [ "$(($(calls BatchWriteItem) - b0)) $(($(calls DeleteItem) - d0))" = "1 0" ]
check "the terminated ones' heartbeats are gone" [ -z "$(state-get --kind heartbeat "$G0" "$G1" "$G2" 2>/dev/null)" ]
check "G3's is kept" [ "$(state-get --kind heartbeat "$G3" | cut -f1)" = "$G3" ]

done_testing
