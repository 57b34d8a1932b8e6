#!/usr/bin/env bash
# host_input: the files kernel-sim reads from the host. Boot modules and
# watched configs are opened without following symbolic links and without
# blocking, anything but a regular file is refused with a clear error (a
# changed config keeps its old content), module names are unique, every
# module is served however many there are, and a module too big for the root
# CNode is refused naming that limit.
source "$(dirname "$0")/lib.sh"

D=$TMP/boot
mkdir -p "$D"
cp "$BIN/core" "$BIN/init" "$BIN/dummy" "$BIN/test-printf" "$D/"

config() {
	cat <<EOF
<config>
	<parent-provides> <service name="LOG"/> <service name="ROM"/> <service name="PD"/> <service name="CPU"/> <service name="RM"/> </parent-provides>
	<default-route> <any-service> <parent/> </any-service> </default-route>
	<default caps="100" ram="1M"/>
	$1
</config>
EOF
}

# refused NAME PATTERN MODULE...: kernel-sim refuses to boot, at once, saying PATTERN.
refused() {
	local name=$1 pattern=$2 out=$TMP/$1.out
	shift 2
	timeout 20 "$BIN/kernel-sim" --no-control "$D/core" "$@" >"$out" 2>&1
	local status=$?
	if [ "$status" -eq 124 ]; then
		fail "$name" "kernel-sim did not end within 20 s"
	elif [ "$status" -eq 0 ]; then
		fail "$name" "kernel-sim booted"
	elif ! grep -qE -- "$pattern" "$out"; then
		fail "$name" "no line '$pattern' in: $(head -c 300 "$out")"
	else
		ok "$name"
	fi
}

config '<start name="alpha"> <binary name="dummy"/> <config> <log string="alpha v1"/> <block/> </config> </start>' >"$D/config"

mkfifo "$D/fifo"
refused boot_fifo_module_refused "^kernel-sim: boot module $D/fifo is a FIFO, not a regular file$" \
	"$D/init" "$D/fifo"
ln -s config "$D/link"
refused boot_symlink_module_refused "^kernel-sim: boot module $D/link is a symbolic link" \
	"$D/init" "$D/link"
mkdir -p "$D/a" "$D/b"
cp "$D/config" "$D/a/config"
cp "$D/config" "$D/b/config"
refused boot_duplicate_names_refused \
	"^kernel-sim: boot modules $D/a/config and $D/b/config have the same name 'config'" \
	"$D/init" "$D/a/config" "$D/b/config"
truncate -s 17M "$D/huge"
refused boot_module_larger_than_root_cnode_refused \
	"^kernel-sim: boot module $D/huge is larger than 16777216 bytes, more than .* root CNode" \
	"$D/init" "$D/huge"
truncate -s 14M "$D/big1"
truncate -s 2M "$D/big2"
refused boot_modules_past_root_cnode_refused \
	"^kernel-sim: boot module $D/big2 \(2097152 bytes\) does not fit: its 512 frames would take the root CNode past its 4096 slots" \
	"$D/init" "$D/big1" "$D/big2"

# More modules than core's old table of 64: all are served. test-printf is the 102nd.
mkdir -p "$D/many"
extra=()
for i in $(seq 100); do
	echo "module $i" >"$D/many/m$i"
	extra+=("$D/many/m$i")
done
config '<start name="test-printf"/>' >"$D/many/config"
start_ks "$D/core" "$D/init" "${extra[@]}" "$D/test-printf" "$D/many/config"
check many_modules_all_served wait_for '\[init -> test-printf\] Test succeeded' 30
stop_ks TERM

# A watched config replaced by a FIFO or a symbolic link: refused at once,
# the old config stays, and the next regular config is taken.
mkdir -p "$D/watch"
config '<start name="alpha" version="1"> <binary name="dummy"/> <config> <log string="alpha v1"/> <block/> </config> </start>' >"$D/watch/config"
start_ks "$D/core" "$D/init" "$D/dummy" "$D/watch/config"
if wait_for '\[init -> alpha\] alpha v1' 20; then
	mkfifo "$D/watch/fifo"
	mv "$D/watch/fifo" "$D/watch/config"
	check config_fifo_refused wait_for "^kernel-sim: ROM update: $D/watch/config is a FIFO, not a regular file; the module keeps its content$" 10
	ln -s ../config "$D/watch/link"
	mv "$D/watch/link" "$D/watch/config"
	check config_symlink_refused wait_for "^kernel-sim: ROM update: $D/watch/config is a symbolic link" 10
	check config_old_one_stays test "$(grep -c 'restarts\|removed\|alpha v2' "$KS_OUT")" = 0
	config '<start name="alpha" version="2"> <binary name="dummy"/> <config> <log string="alpha v2"/> <block/> </config> </start>' >"$D/watch/config.new"
	mv "$D/watch/config.new" "$D/watch/config"
	check config_regular_one_taken_after wait_for '\[init -> alpha\] alpha v2' 20
else
	fail config_watch_boot "alpha did not start"
fi
stop_ks TERM
check kernel_sim_ends_after_refusals test "$KS_STATUS" = 0
