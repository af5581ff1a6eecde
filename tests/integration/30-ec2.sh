#!/bin/sh
# The EC2 tools against the EC2 simulator.
. tests/integration/lib.sh
stack_start
printf '#!/bin/sh\nsleep 120\n' > "$T_TMP/ud"

expect 0 "template created" ec2-template --ami ami-0123456789abcdef0 --user-data-file "$T_TMP/ud"
check "created, version 1" sh -c "grep -q '^created	lt-[0-9a-f]*	1\$' $T_OUT"
expect 0 "same content again" ec2-template --ami ami-0123456789abcdef0 --user-data-file "$T_TMP/ud"
check "unchanged" out_has unchanged
expect 0 "new AMI" ec2-template --ami ami-0123456789abcdef1 --user-data-file "$T_TMP/ud" --security-group-ids sg-0123456789abcdef0
check "updated to version 2" sh -c "grep -q '^updated	lt-[0-9a-f]*	2\$' $T_OUT"
expect 0 "and again" ec2-template --ami ami-0123456789abcdef1 --user-data-file "$T_TMP/ud" --security-group-ids sg-0123456789abcdef0
check "unchanged at version 2" sh -c "grep -q '^unchanged	lt-[0-9a-f]*	2\$' $T_OUT"
head -c 17000 /dev/zero > "$T_TMP/big"
expect 2 "user data over 16 KB" ec2-template --ami ami-0123456789abcdef0 --user-data-file "$T_TMP/big"
expect 2 "bad AMI" ec2-template --ami ami-XYZ

expect 0 "classes listed" ec2-launch --list-classes --class-config '{"gpu":{"cpu":8,"mem":61440}}'
check "built-in and configured classes" sh -c "grep -qx large $T_OUT && grep -qx gpu $T_OUT"
expect 0 "launch 3 large in two subnets, m6i only" ec2-launch --count 3 --resource-class large --run-id 7 \
	--subnet-ids subnet-0123456789abcdef0,subnet-0123456789abcdef1 --allowed-types 'm6i.*'
check "3 instances" [ "$(lines "$T_OUT")" -eq 3 ]
check "type from the class (4 vCPU, 16 GiB) and the glob" sh -c "[ \$(grep -c '	m6i.xlarge	subnet-' $T_OUT) -eq 3 ]"
cp "$T_OUT" "$T_TMP/launched"
expect 0 "ec2-list by run id" ec2-list --run-id 7 --state pending,running
check "lists the 3 with their run id" sh -c "[ \$(grep -c '	7	' $T_OUT) -eq 3 ]"
expect 0 "terminate them and an unknown id" ec2-terminate $(cut -f1 "$T_TMP/launched") i-0000000000000000e
check "unknown id reported gone, not an error" out_has "i-0000000000000000e	gone	gone"
sleep 0.5
expect 1 "none left running" ec2-list --run-id 7 --state pending,running

sim POST /faults '{"capacity":1}' >/dev/null
expect 4 "partial fleet: exit 4" ec2-launch --count 3 --resource-class small --run-id 8
check "reports capacity" err_has InsufficientInstanceCapacity
sleep 0.5
expect 1 "the partial fleet was terminated" ec2-list --run-id 8 --state pending,running
sim POST /reset-faults >/dev/null
expect 3 "no type matches: exit 3" ec2-launch --count 1 --resource-class large --run-id 9 --allowed-types 'z9.*'
sim POST /faults '{"next":[{"service":"ec2","action":"CreateFleet","count":2,"code":"RequestLimitExceeded","status":503}]}' >/dev/null
expect 0 "throttled CreateFleet is retried" ec2-launch --count 1 --resource-class small --run-id 10
ec2-terminate $(cut -f1 "$T_OUT") >/dev/null

before=$(sim GET /calls | grep -c '"service"')
expect 2 "count 0" ec2-launch --count 0 --resource-class large --run-id 1
expect 2 "count 101" ec2-launch --count 101 --resource-class large --run-id 1
expect 2 "count -1" ec2-launch --count -1 --resource-class large --run-id 1
expect 2 "huge count" ec2-launch --count 99999999999999999999 --resource-class large --run-id 1
expect 2 "unknown class" ec2-launch --count 1 --resource-class huge --run-id 1
expect 2 "malformed class JSON" ec2-launch --count 1 --resource-class large --run-id 1 --class-config '{"x":'
check "names the config" err_has "class-config"
expect 2 "class JSON with a bad cpu" ec2-launch --count 1 --resource-class x --run-id 1 --class-config '{"x":{"cpu":-1,"mem":1024}}'
expect 2 "bad glob" ec2-launch --count 1 --resource-class large --run-id 1 --allowed-types 'M5.*'
expect 2 "bad subnet" ec2-launch --count 1 --resource-class large --run-id 1 --subnet-ids 'subnet-1;x'
expect 2 "run id with spaces" ec2-launch --count 1 --resource-class large --run-id 'a b'
expect 2 "bad state filter" ec2-list --state flying
expect 2 "bad instance id" ec2-terminate i-1
after=$(sim GET /calls | grep -c '"service"')
check "bad input sent no request" [ "$before" -eq "$after" ]
done_testing
