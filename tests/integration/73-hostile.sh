#!/bin/sh
# Hostile responses from every service: cut short, 40 MiB, binary garbage,
# an HTML error page, a drip of one byte a second. Each gives a clean error
# (exit 3 or 4, one line) and no crash; with retries left, the next attempt
# recovers.
. tests/integration/lib.sh
stack_start
state-init >/dev/null
pool-init large >/dev/null
export EC2RP_HTTP_TIMEOUT_SEC=3
for svc in dynamodb sqs ec2; do
	case $svc in
	dynamodb) cmd="state-scan" ;;
	sqs) cmd="pool-pop --resource-class large" ;;
	ec2) cmd="ec2-list" ;;
	esac
	for kind in truncated oversized garbage html drip; do
		sim POST /faults "{\"next\":[{\"service\":\"$svc\",\"hostile\":\"$kind\"}]}" >/dev/null
		# shellcheck disable=SC2086
		AWS_MAX_ATTEMPTS=1 $cmd > "$T_OUT" 2> "$T_ERR"
		st=$?
		if { [ "$st" -eq 3 ] || [ "$st" -eq 4 ]; } && [ "$(lines "$T_ERR")" -eq 1 ]; then
			ok "$svc $kind: clean error, exit $st: $(cut -c1-80 "$T_ERR")"
		else
			not_ok "$svc $kind: exit $st" "$(head -c 300 "$T_ERR")"
		fi
	done
	sim POST /faults "{\"next\":[{\"service\":\"$svc\",\"hostile\":\"truncated\"}]}" >/dev/null
	# shellcheck disable=SC2086
	$cmd > "$T_OUT" 2> "$T_ERR"
	st=$?
	check "$svc: a truncated answer is retried and the next attempt recovers (exit $st)" [ "$st" -le 1 ]
done
done_testing
