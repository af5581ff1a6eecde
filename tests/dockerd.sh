#!/bin/sh
# A Docker engine of the tests' own: start DIR | stop DIR. Debian's dockerd
# on DIR/docker.sock with its data, exec root and pidfile in DIR; never the
# default socket, where the simulated instances' agents prune any Docker
# that answers (as they do on a real instance). No bridge and no iptables:
# containers use the host's network and the machine's firewall is left
# alone. Use it as `docker -H unix://DIR/docker.sock`.
set -u
PATH=$PATH:/usr/sbin:/sbin
dir=${2:?usage: dockerd.sh start|stop DIR}
case $1 in
start)
	command -v dockerd >/dev/null 2>&1 || sh "$(dirname "$0")/../scripts/bootstrap.sh" >&2
	mkdir -p "$dir"
	dockerd -H "unix://$dir/docker.sock" --data-root "$dir/data" --exec-root "$dir/exec" \
		--pidfile "$dir/docker.pid" --bridge=none --iptables=false --ip6tables=false --ip-masq=false \
		> "$dir/log" 2>&1 &
	i=0
	until [ -S "$dir/docker.sock" ] && "${DOCKER_BIN:-/usr/bin/docker}" -H "unix://$dir/docker.sock" info >/dev/null 2>&1; do
		[ $i -lt 300 ] || { echo "dockerd.sh: dockerd did not answer in 60 s ($dir/log)" >&2; exit 1; }
		sleep 0.2
		i=$((i + 1))
	done
	;;
stop)
	[ -f "$dir/docker.pid" ] || exit 0
	p=$(cat "$dir/docker.pid")
	kill "$p" 2>/dev/null
	i=0
	while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done
	kill -9 "$p" 2>/dev/null
	rm -f "$dir/docker.pid"
	# dockerd leaves its default network namespace mounted.
	umount "$dir/exec/netns/default" 2>/dev/null
	exit 0
	;;
*) echo "usage: dockerd.sh start|stop DIR" >&2; exit 2 ;;
esac
