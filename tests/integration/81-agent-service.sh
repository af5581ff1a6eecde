#!/bin/sh
# The agent as a service. Where the AMI runs systemd, the bootstrap writes a
# unit and a root-only environment file, runs systemctl enable --now and
# ends (cloud-init finishes; a reboot starts the agent again); without
# systemd it becomes the agent, as before. The simulated instances have no
# systemd: the choice and the unit are checked with a stand-in systemctl,
# and an agent started again from the environment file alone serves a run
# on a simulated instance.
. tests/integration/lib.sh

ID=i-0123456789abcdef0
# fake_root DIR: an instance's root with the tools (stand-ins that record
# what they are run with) and a runner; systemd's marker unless NOSD is set.
fake_root() {
	mkdir -p "$1/opt/ec2-runner-pool/bin" "$1/opt/actions-runner" "$1/etc/systemd/system" "$1/bin"
	[ -n "${NOSD:-}" ] || mkdir -p "$1/run/systemd/system"
	printf '#!/bin/sh\n' > "$1/opt/ec2-runner-pool/bin/ec2rp"
	printf '#!/bin/sh\necho %s\n' "$ID" > "$1/opt/ec2-runner-pool/bin/imds-get"
	printf '#!/bin/sh\n{ echo "agent $*"; env; } > "%s/agent.ran"\n' "$1" > "$1/opt/ec2-runner-pool/bin/ec2rp-agent"
	printf '#!/bin/sh\n' > "$1/opt/actions-runner/config.sh"
	# systemctl: records its arguments; enable --now starts the unit as
	# systemd would: only the environment file and ExecStart.
	cat > "$1/bin/systemctl" <<EOF
#!/bin/sh
echo "\$*" >> "$1/systemctl.calls"
if [ "\$*" = "enable --now ec2rp-agent.service" ]; then
	u=$1/etc/systemd/system/ec2rp-agent.service
	envf=\$(sed -n 's/^EnvironmentFile=//p' "\$u")
	cmd=\$(sed -n 's/^ExecStart=//p' "\$u")
	env -i /bin/sh -c 'set -a; . "\$1"; set +a; exec \$2' _ "\$envf" "\$cmd"
fi
EOF
	chmod +x "$1"/opt/ec2-runner-pool/bin/* "$1/opt/actions-runner/config.sh" "$1/bin/systemctl"
}
# boot DIR: runs the user data refresh would write, as cloud-init would.
# The stack's shutdown stand-ins come first: a halt must never reach the host.
boot() {
	EC2RP_POOL=svc EC2RP_UD_GITHUB_URL=https://github.com/octo/svc EC2RP_UD_RUNNER_USER=root \
		sh build/bin/ec2rp-userdata > "$1/user-data"
	env -i PATH="$TOP/tests/sim/bin:$1/bin:/usr/bin:/bin" EC2RP_ROOT="$1" AWS_REGION=us-east-1 ODD='a"b$c`d\e f' \
		sh "$1/user-data" > "$1/console.log" 2>&1
}

R=$T_TMP/sd
fake_root "$R"
expect 0 "with systemd, the user data script ends" boot "$R"
unit=$R/etc/systemd/system/ec2rp-agent.service
check_with "$unit" "a unit starts the agent for this instance" grep -qx "ExecStart=$R/opt/ec2-runner-pool/bin/ec2rp-agent $ID" "$unit"
check_with "$unit" "with its environment from the root-only file" grep -qx "EnvironmentFile=$R/etc/ec2-runner-pool/agent.env" "$unit"
check_with "$unit" "restarted after a crash, not after it ended its instance" grep -qx "Restart=on-failure" "$unit"
check_with "$unit" "started at boot" grep -qx "WantedBy=multi-user.target" "$unit"
check "the environment file is root's only" [ "$(stat -c %a "$R/etc/ec2-runner-pool/agent.env")" = 600 ]
check_with "$R/systemctl.calls" "systemctl daemon-reload, then enable --now" \
	[ "$(cat "$R/systemctl.calls")" = "$(printf 'daemon-reload\nenable --now ec2rp-agent.service')" ]
check_with "$R/console.log" "the service's agent ran with the instance id" grep -qx "agent $ID" "$R/agent.ran"
for v in EC2RP_POOL=svc EC2RP_GITHUB_URL=https://github.com/octo/svc EC2RP_RUNNER_DIR="$R/opt/actions-runner" \
	EC2RP_RUNNER_USER=root EC2RP_LIB="$R/var/lib/ec2rp" AWS_REGION=us-east-1 'ODD=a"b$c`d\e f'; do
	check_with "$R/etc/ec2-runner-pool/agent.env" "it has ${v%%=*} as the bootstrap had it" grep -qxF -- "$v" "$R/agent.ran"
done
check "and the tools on its PATH" grep -q "^PATH=$R/opt/ec2-runner-pool/bin:" "$R/agent.ran"

R=$T_TMP/nosd
NOSD=1 fake_root "$R"
expect 0 "without systemd" boot "$R"
check "the bootstrap became the agent" grep -qx "agent $ID" "$R/agent.ran"
check "systemctl was not asked" [ ! -e "$R/systemctl.calls" ]
check "no unit written" [ ! -e "$R/etc/systemd/system/ec2rp-agent.service" ]

# A real agent, stopped and started again from the environment file alone
# (what systemd does after a reboot or a crash), serves the next run.
stack_start
export GITHUB_REPOSITORY=octo/svc INPUT_AMI=ami-0123456789abcdef0 EC2RP_ORPHAN_GRACE_SEC=0
agent2=
trap '[ -z "$agent2" ] || kill -- "-$agent2" 2>/dev/null; stack_stop' EXIT INT TERM
expect 0 "refresh" ec2rp-refresh
expect 0 "provision" env GITHUB_RUN_ID=a1 ec2rp-provision
id=$(head -n 1 "$T_OUT" | cut -f1)
root=$SIM_DIR/instances/$id/root
check "the simulated instance wrote its environment file" [ -s "$root/etc/ec2-runner-pool/agent.env" ]
expect 0 "release" env GITHUB_RUN_ID=a1 ec2rp-release
check "back in the pool" wait_for 30 pooled large 1
pid=$(sim GET /instances | jq -r --arg id "$id" '.[] | select(.id == $id) | .pid')
kill -- "-$pid"
check "its agent is stopped" wait_for 10 sh -c "! kill -0 -- -$pid 2>/dev/null"
setsid env -i /bin/sh -c 'set -a; . "$1"; set +a; exec ec2rp-agent "$2"' _ "$root/etc/ec2-runner-pool/agent.env" "$id" \
	> "$T_TMP/agent2.log" 2>&1 &
agent2=$!
expect 0 "the next run reuses it, served by the agent started again" env GITHUB_RUN_ID=a2 ec2rp-provision
check_with "$T_TMP/agent2.log" "the same instance" [ "$(head -n 1 "$T_OUT" | cut -f1)" = "$id" ]
expect 0 "release" env GITHUB_RUN_ID=a2 ec2rp-release
done_testing
