# Sourced by the reliability tests: the pool's invariants, checked from the
# stack's ground truth (EC2 instances, the table, the queues, the runners).

# inv_no_double RUNS_DIR: each file RUNS_DIR/RUN lists the instances a live
# run got; no instance may be in two, and each record must name its run.
inv_no_double() {
	doubles=$(cat "$1"/* 2>/dev/null | sort | uniq -d | wc -l | tr -d ' ')
	check "no instance handed to two live runs ($doubles doubles)" [ "$doubles" -eq 0 ]
	wrong=0
	for f in "$1"/*; do
		[ -s "$f" ] || continue
		run=$(basename "$f")
		for id in $(cat "$f"); do
			owner=$(state-get --consistent "$id" 2>"$T_TMP/inv.err" | cut -f3)
			[ "$owner" = "$run" ] || { wrong=$((wrong + 1)); echo "# $id of run $run: record '$(state-get --consistent "$id" 2>&1 | tr '\t' ' ')'"; }
		done
	done
	check "every live run's instance is recorded as its own ($wrong wrong)" [ "$wrong" -eq 0 ]
	INV_DOUBLES=$((${INV_DOUBLES:-0} + doubles + wrong))
}

# inv_failed_clean RUN...: a failed provision leaves nothing owned by its run.
inv_failed_clean() {
	left=0
	: > "$T_TMP/inv.detail"
	for run in "$@"; do
		state-scan --run-id "$run" 2>/dev/null | grep -v '	terminated	' > "$T_TMP/inv.left"
		n=$(grep -c . "$T_TMP/inv.left")
		left=$((left + n))
		# Evidence for a failure: the records left and what the run said.
		if [ "$n" -gt 0 ]; then
			sed 's/^/left: /' "$T_TMP/inv.left"
			[ -f "$T_TMP/err.$run" ] && grep -v '^::' "$T_TMP/err.$run" | tail -n 8 | sed "s/^/$run: /"
		fi >> "$T_TMP/inv.detail"
	done
	check_with "$T_TMP/inv.detail" "failed provisions own nothing ($# failed, $left records left)" [ "$left" -eq 0 ]
}

# inv_settled CLASS...: after the last refresh, every instance EC2 runs under
# the pool's tag is tracked and live: running or claimed for a run, or idle
# and in its pool queue exactly once; nothing else runs.
inv_settled() {
	# After a release the agents deregister and then put their instances
	# back themselves: wait for each idle one's 'deregistered' signal (the
	# push follows it at once), a minute at most, before looking.
	for id in $(state-scan --state idle 2>/dev/null | cut -f1); do
		wait_for 60 sh -c "state-get --kind signal $id 2>/dev/null | cut -f2 | grep -qx deregistered" || true
	done
	sleep 1
	: > "$T_TMP/inv.pool"
	for class in "$@"; do
		pool-pop --resource-class "$class" --max 100 >> "$T_TMP/inv.pool" 2>/dev/null
		while IFS="$(printf '\t')" read -r id type usage repo; do
			set -- --resource-class "$class" --instance-type "$type" --usage-class "$usage"
			[ "$repo" = - ] || set -- "$@" --repository "$repo"
			pool-push "$@" "$id" >/dev/null 2>&1
		done < "$T_TMP/inv.pool"
	done
	dup=$(cut -f1 "$T_TMP/inv.pool" | sort | uniq -d | wc -l | tr -d ' ')
	bad=0
	n=0
	: > "$T_TMP/inv.detail"
	for id in $(ec2-list --state pending,running 2>/dev/null | cut -f1); do
		n=$((n + 1))
		st=$(state-get --consistent "$id" 2>/dev/null | cut -f2)
		case $st in
		running | claimed) ;;
		idle) grep -q "^$id	" "$T_TMP/inv.pool" || { bad=$((bad + 1)); echo "$id idle but not in the pool: $(state-get --consistent "$id" 2>&1 | tr '\t' ' ')" >> "$T_TMP/inv.detail"; } ;;
		*) bad=$((bad + 1)); echo "$id runs in EC2 but its record is '${st:-missing}': $(state-get --consistent "$id" 2>&1 | tr '\t' ' ')" >> "$T_TMP/inv.detail" ;;
		esac
	done
	# What the modes said about those instances (tests keep their stderr in err.*).
	for id in $(grep -o '^i-[0-9a-f]*' "$T_TMP/inv.detail"); do
		cat "$T_TMP"/err.* 2>/dev/null | grep -F "$id" | grep -v '^::' | tail -n 6 >> "$T_TMP/inv.detail"
		# and what its agent said last
		tail -n 12 "$SIM_DIR/instances/$id/console.log" 2>/dev/null | sed "s/^/$id console: /" >> "$T_TMP/inv.detail"
	done
	check_with "$T_TMP/inv.detail" "all $n instances EC2 runs are live and tracked ($bad not)" [ "$bad" -eq 0 ]
	check "no instance is in the pool twice ($dup)" [ "$dup" -eq 0 ]
	INV_LEAKS=$((${INV_LEAKS:-0} + bad + dup))
}

# inv_running_signalled: no record is running without its registration
# signal: the instance's signal is 'registered' for the record's run id.
inv_running_signalled() {
	n=0
	bad=0
	state-scan --state running > "$T_TMP/inv.running" 2>/dev/null
	while IFS="$(printf '\t')" read -r id _ run _; do
		n=$((n + 1))
		sig=$(state-get --consistent --kind signal "$id" 2>/dev/null | cut -f2,3)
		[ "$sig" = "registered	$run" ] || { bad=$((bad + 1)); echo "# $id running for $run with signal '${sig:-none}'"; }
	done < "$T_TMP/inv.running"
	check "all $n running records have their registration signal ($bad not)" [ "$bad" -eq 0 ]
	INV_UNSIGNALLED=$((${INV_UNSIGNALLED:-0} + bad))
}

# inv_live_snapshot FILE: the instances live now (EC2 runs them and the table
# has them running, claimed or idle), for inv_live_kept.
inv_live_snapshot() {
	: > "$1"
	for id in $(ec2-list --state pending,running 2>/dev/null | cut -f1); do
		case $(state-get --consistent "$id" 2>/dev/null | cut -f2) in
		running | claimed | idle) echo "$id" >> "$1" ;;
		esac
	done
}

# inv_live_kept FILE WHAT: every instance of the snapshot still runs in EC2.
inv_live_kept() {
	gone=0
	ec2-list --state pending,running 2>/dev/null | cut -f1 > "$T_TMP/inv.ec2"
	for id in $(cat "$1"); do
		grep -qx "$id" "$T_TMP/inv.ec2" || { gone=$((gone + 1)); echo "# $id was live and is no longer running"; }
	done
	check "no live instance terminated $2 ($(grep -c . "$1") live, $gone gone)" [ "$gone" -eq 0 ]
	INV_KILLED=$((${INV_KILLED:-0} + gone))
}
