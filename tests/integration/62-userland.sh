#!/bin/sh
# The modes on the image's own userland: the tests of input checks,
# messages, outputs and summaries run again with the image's busybox first on
# PATH and the mode scripts run by its sh, as inside the image. The host's
# shell and coreutils hide a busybox difference ('nonsense' printed back as
# 'n?n??n??' by busybox's tr); here it fails a check.
. tests/integration/lib.sh
ROOT=$TOP/build/rootfs
[ -x "$ROOT/bin/busybox" ] || { not_ok "build/rootfs missing (make rootfs)"; echo "1..$T_N"; exit 1; }
# $U: the scripts as the image has them, each run by the image's sh with its
# applets ($U/bin) first on PATH; only the scripts, so the tests' own
# commands stay the host's.
U=$T_TMP/userland
mkdir -p "$U/bin"
for a in $("$ROOT/bin/busybox" --list); do ln -s "$ROOT/bin/busybox" "$U/bin/$a"; done
# as_image SCRIPT NAME: $U/NAME, the script run by busybox's sh, $U/bin first.
as_image() {
	sed "1s|^#!/bin/sh\$|#!$ROOT/bin/sh\\
PATH=$U/bin:\$PATH; export PATH|" "$1" > "$U/$2"
	chmod 755 "$U/$2"
}
for f in build/bin/ec2rp-*; do as_image "$f" "$(basename "$f")"; done
check "the modes run by busybox's sh" sh -c "head -n 1 $U/ec2rp-provision | grep -qx '#!$ROOT/bin/sh'"
# (Debian's static busybox sh runs its own applets before any on PATH.)
printf '#!/bin/sh\ntr --help 2>&1 | head -n 1; sed --help 2>&1 | head -n 1\n' > "$T_TMP/which"
as_image "$T_TMP/which" which-tools
check "and use busybox's tr and sed" sh -c "[ \"\$($U/which-tools | grep -c '^BusyBox v')\" -eq 2 ]"

# Messages that print a value back, without the stack (bad input is
# refused before any request).
# bb_mode VAR=VALUE... SCRIPT: a mode with the image's PATH and little else.
bb_mode() { env -i PATH="$U:$TOP/build/bin:/usr/bin:/bin" HOME="$T_TMP" GITHUB_RUN_ID=62 AWS_REGION=us-east-1 "$@"; }
expect 2 "an unknown mode" bb_mode INPUT_MODE=nonsense ec2rp-entrypoint
check_with "$T_ERR" "shows the mode as given" err_has "got 'nonsense'"
expect 2 "a bad instance-count" bb_mode INPUT_INSTANCE_COUNT=abc ec2rp-provision
check_with "$T_ERR" "shows the count as given" err_has "got 'abc'"
expect 2 "a bad resource-class" bb_mode INPUT_RESOURCE_CLASS='Large!' ec2rp-provision
check_with "$T_ERR" "shows the class as given" err_has "got 'Large!'"
expect 2 "a tab and a non-ASCII letter" bb_mode INPUT_RESOURCE_CLASS="$(printf 'la\trgé')" ec2rp-provision
check_with "$T_ERR" "each byte outside printable ASCII shown as '?'" err_has "got 'la?rg??'"
expect 2 "a value of 100 characters" bb_mode INPUT_RESOURCE_CLASS="$(head -c 100 /dev/zero | tr '\0' X)" ec2rp-provision
check_with "$T_ERR" "cut to 60" err_has "got '$(head -c 60 /dev/zero | tr '\0' X)'"

# The mode tests of input checks, messages, secrets, outputs and summaries,
# run again on this userland; each of their checks is one here.
for t in 72-input-secrets 57-original-inputs; do
	T_USERLAND=$U sh "tests/integration/$t.sh" > "$T_TMP/$t.tap" 2>&1
	st=$?
	while IFS= read -r l; do
		case $l in
		"ok "*) ok "busybox: $t: ${l#ok * - }" ;;
		"not ok "*) not_ok "busybox: $t: ${l#not ok * - }" ;;
		esac
	done < "$T_TMP/$t.tap"
	check_with "$T_TMP/$t.tap" "busybox: $t ran to its plan (exit $st)" sh -c "[ $st -eq 0 ] && grep -q '^1\.\.[1-9]' $T_TMP/$t.tap"
done
done_testing
