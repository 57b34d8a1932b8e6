#!/usr/bin/env bash
# kernel-sim's control socket never holds the system up: while silent
# clients, a `sim log` reader and a `sim trace -f` follower that never read
# sit on it, a client/server pair keeps calling and `sim ps` answers. The
# socket is the user's alone (mode 0600 whatever the umask, peers of
# another uid refused); --control never deletes anything but a stale
# socket; a failed boot leaves none; two systems in one directory are an
# error.
cd "$(dirname "$0")/../.."
source tests/system/lib.sh
export RUN_NO_BUILD=1 RUN_QUIET=1 RUN_ROOT_DIR=$PWD
SIM=$PWD/$BIN/sim
D=build/run/test-control

# answers DIR|SOCKET: the system there answers `sim ps`
answers() { timeout 10 "$SIM" --system "$1" ps --labels >/dev/null; }

scenario=$TMP/control.run
cat >"$scenario" <<'SCENARIO'
source "$RUN_ROOT_DIR/scripts/run.sh"
create_boot_directory
install_config <<'CONFIG'
<config>
	<parent-provides> <service name="LOG"/> <service name="ROM"/> <service name="PD"/> <service name="CPU"/> <service name="RM"/> <service name="IO_PORT"/> <service name="IRQ"/> </parent-provides>
	<default-route> <any-service> <parent/> <any-child/> </any-service> </default-route>
	<default caps="100" ram="1M"/>
	<start name="timer" ram="1M"> <provides> <service name="Timer"/> </provides> </start>
	<start name="server"> <binary name="test-hello-server"/> <provides> <service name="Hello"/> </provides> </start>
	<start name="chatty"> <binary name="dummy"/>
		<config> <loop count="3000"> <log string="chatty: ................................................................................"/> </loop> <log string="chatty: done"/> <block/> </config>
	</start>
	<start name="client"> <binary name="test-hello-client"/> <config calls="400" period_ms="10"/>
		<route> <service name="Hello"> <child name="server"/> </service> <any-service> <parent/> <any-child/> </any-service> </route>
	</start>
</config>
CONFIG
build_boot_image core init timer test-hello-server test-hello-client dummy
run_until --keep 'chatty: done' 30
echo ready >"$(boot_dir)/ready"
run_until --keep '\[init -> client\] Test succeeded' 60
echo succeeded >"$(boot_dir)/succeeded"
while [ ! -e "$(boot_dir)/done" ]; do sleep 0.05; done
kill_system
SCENARIO

rm -rf "$D"
(umask 000 && RUN_DIR=$D bash "$scenario" >"$TMP/scenario.out" 2>&1) &
scenario_pid=$!
for _ in $(seq 600); do
	[ -e "$D/ready" ] && break
	kill -0 "$scenario_pid" 2>/dev/null || break
	sleep 0.05
done
if [ ! -e "$D/ready" ]; then
	fail control_scenario_started "$(tail -n 5 "$TMP/scenario.out")"
	exit 0
fi
ok control_scenario_started
check control_socket_mode_0600 test "$(stat -c %a "$D/sim.sock")" = 600

python3 tests/system/control_clients.py "$D/sim.sock" 4 &
bad=$!
sleep 0.5
ps_out=$(timeout 10 "$SIM" --system "$D" ps --labels)
check control_ps_answers_meanwhile grep -qE 'init -> client +RAM [0-9]+ of' <<<"$ps_out"
for _ in $(seq 1200); do
	[ -e "$D/succeeded" ] && break
	sleep 0.05
done
check control_calls_go_on test -e "$D/succeeded"
wait "$bad"
check control_ps_after_them answers "$D"

# another uid: the file mode keeps it out; opened up, kernel-sim refuses it
chmod 666 "$D/sim.sock"
answer=$(setpriv --reuid=nobody --regid=nogroup --clear-groups -- /usr/bin/python3 -c "
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(5)
try:
    s.sendall(b'ps\n')
    print(s.recv(100).decode() or 'refused', end='')
except ConnectionError:
    print('refused', end='')" "$D/sim.sock" 2>&1)
check control_other_uid_refused test "$answer" = refused
grep -q 'refused a control connection from another user' "$D/log"
check control_other_uid_reported test $? = 0
chmod 600 "$D/sim.sock"

# a second system in the same directory is an error; the first goes on
(cd "$D" && ../../bin/kernel-sim core init config >"$TMP/second.out" 2>&1)
check control_second_system_refused test $? -ne 0
check control_second_system_says_why grep -q 'another system runs here' "$TMP/second.out"
check control_first_system_answers answers "$D"
touch "$D/done"
wait "$scenario_pid"

# --control never deletes what is not a stale socket
echo keep >"$TMP/not-a-socket"
"$BIN/kernel-sim" --control "$TMP/not-a-socket" "$BIN/test-hello" >"$TMP/file.out" 2>&1
check control_file_refused test $? -ne 0
check control_file_kept test "$(cat "$TMP/not-a-socket")" = keep
python3 -c "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])" "$TMP/stale.sock"
start_ks --control "$TMP/stale.sock" "$BIN/test-hello"
wait_for '^hello from the root task$' 10
check control_stale_socket_replaced answers "$TMP/stale.sock"
stop_ks
check control_socket_removed_at_exit test ! -e "$TMP/stale.sock"
"$BIN/kernel-sim" --control "$TMP/failed.sock" /nonexistent/root-task >"$TMP/failed.out" 2>&1
check control_failed_boot_fails test $? -ne 0
check control_failed_boot_leaves_no_socket test ! -e "$TMP/failed.sock"

# two systems starting at the same moment in one directory: one runs, the
# other refuses to start (neither removes the other's socket)
mkdir -p "$TMP/race"
for round in 1 2 3; do
	(cd "$TMP/race" && exec "$OLDPWD/$BIN/kernel-sim" "$OLDPWD/$BIN/test-hello" >"$TMP/race/a.out" 2>&1) &
	a=$!
	(cd "$TMP/race" && exec "$OLDPWD/$BIN/kernel-sim" "$OLDPWD/$BIN/test-hello" >"$TMP/race/b.out" 2>&1) &
	b=$!
	# until one has refused and ended (10 s at most, on a loaded host)
	for _ in $(seq 200); do
		alive=0
		kill -0 "$a" 2>/dev/null && alive=$((alive + 1))
		kill -0 "$b" 2>/dev/null && alive=$((alive + 1))
		refused=$(cat "$TMP/race/a.out" "$TMP/race/b.out" | grep -c 'another system runs here')
		[ "$alive/$refused" = 1/1 ] && break
		sleep 0.05
	done
	answered=no
	answers "$TMP/race" && answered=yes
	kill -TERM "$a" "$b" 2>/dev/null
	wait "$a" "$b" 2>/dev/null
	[ "$alive" = 1 ] && [ "$refused" = 1 ] && [ "$answered" = yes ] || break
done
check control_simultaneous_start_one_runs test "$alive/$refused/$answered" = 1/1/yes
check control_simultaneous_start_leaves_no_socket test ! -e "$TMP/race/sim.sock"

# A control socket deeper than the 108 bytes of sun_path (a tree checked
# out deep down): kernel-sim binds it and sim reaches it through its directory.
deep=$TMP/$(printf 'a%.0s' {1..60})/$(printf 'b%.0s' {1..60})
mkdir -p "$deep"
"$BIN/kernel-sim" --control "$deep/sim.sock" "$BIN/test-hello" >"$TMP/deep.out" 2>&1 &
deep_pid=$!
for _ in $(seq 200); do
	answers "$deep" && break
	sleep 0.05
done
check control_long_path_answers answers "$deep"
kill -TERM "$deep_pid" 2>/dev/null
wait "$deep_pid"
check control_long_path_exits_0 test $? = 0
check control_long_path_socket_removed test ! -e "$deep/sim.sock"
