#!/usr/bin/env bash
# The guides in docs/guides/: every code excerpt a page shows is in the
# file it names (the pages cannot drift from the code), and what the pages
# build runs as they say.
cd "$(dirname "$0")/../.."
source tests/system/lib.sh
export RUN_NO_BUILD=1 RUN_QUIET=1

# excerpts: "<!-- file: PATH -->" and the fenced block after it
for page in docs/guides/*.md; do
	name=$(basename "$page" .md)
	bad=$(python3 - "$page" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
for path, code in re.findall(r"<!-- file: (\S+) -->\n```\w*\n(.*?)```", text, re.S):
    try:
        if code not in open(path).read():
            print(f"{path}: {code.splitlines()[0][:60]}")
    except OSError as e:
        print(f"{path}: {e}")
PY
)
	check "guide_${name}_excerpts_match_code" test -z "$bad"
	[ -z "$bad" ] || echo "$bad" | sed 's/^/    /'
	check "guide_${name}_has_excerpts" grep -q '<!-- file: ' "$page"
done

# your first component: the scenario the page shows
out=$(RUN_DIR=build/run/test-guide-counter run/counter.run 2>&1)
check guide_first_component_runs test $? = 0
page_lines=$(sed -n '/^    \$ run\/counter.run$/,/^$/p' docs/guides/first_component.md | sed -n 's/^    \(\[init.*\)/\1/p')
check guide_first_component_output_as_shown test "$page_lines" = "$(grep -E '^\[init' build/run/test-guide-counter/log)"

# your first root task: built by the Makefile, run as the page says
"$BIN/kernel-sim" --no-control "$BIN/first-roottask" >"$TMP/root.out" 2>"$TMP/root.err"
check guide_first_roottask_exits_0 test $? = 0
expected='first-roottask: the worker called with 1
first-roottask: the worker called with 2
first-roottask: the worker called with 3
first-roottask: the worker is done
first-roottask: the child faulted at 0xADDR (instruction fetch, ip 0xADDR)
first-roottask: the child faulted at 0x1100000 (data, ip 0xADDR)
first-roottask: the child raised exception 6 at ip 0xADDR
first-roottask: done'
got=$(sed -E 's/0x1100000/KEEP/; s/0x[0-9a-f]+/0xADDR/g; s/KEEP/0x1100000/' "$TMP/root.out")
check guide_first_roottask_output test "$got" = "$expected"
shown=$(sed -n '/^    first-roottask: /s/^    //p' docs/guides/first_roottask.md | sed -E 's/0x1100000/KEEP/; s/0x[0-9a-f]+/0xADDR/g; s/KEEP/0x1100000/')
check guide_first_roottask_output_as_shown test "$shown" = "$expected"
