#!/usr/bin/env python3
"""Check a kernel-sim trace-event file as Perfetto would read it.

Usage: trace_check.py TRACE.json PROCESS...
Prints one "NAME: ok" / "NAME: FAILED why" line per check: the file is
JSON, every named PROCESS has a track with threads, slices on a thread
nest properly, at least one IPC flow starts and ends on slices, and a
fault is recorded.
"""
import collections
import json
import sys


def case(name, good, why=""):
    print(f"{name}: ok" if good else f"{name}: FAILED {why}")


def main():
    path, wanted = sys.argv[1], sys.argv[2:]
    try:
        with open(path) as f:
            events = json.load(f)
        case("trace_json_valid", isinstance(events, list) and len(events) > 0)
    except (OSError, ValueError) as e:
        case("trace_json_valid", False, str(e))
        return
    procs = {e["pid"]: e["args"]["name"] for e in events
             if e.get("ph") == "M" and e.get("name") == "process_name"}
    threads = collections.defaultdict(set)
    for e in events:
        if e.get("ph") == "M" and e.get("name") == "thread_name":
            threads[e["pid"]].add(e["args"]["name"])
    names = set(procs.values())
    missing = [p for p in wanted if p not in names]
    case("trace_json_pd_tracks", not missing, f"no process track for {missing} in {sorted(names)}")
    slices = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X":
            slices[(e["pid"], e["tid"])].append(e)
    on_thread = [p for pid, p in procs.items() if p in wanted and threads[pid]
                 and any(k[0] == pid for k in slices)]
    case("trace_json_thread_tracks", len(on_thread) == len(wanted),
         f"threads with slices only in {on_thread}")
    # slices of one thread nest (Perfetto drops the ones that do not)
    bad = []
    for key, sl in slices.items():
        sl.sort(key=lambda e: (round(e["ts"] * 1000), -round(e["dur"] * 1000)))
        stack = []
        for e in sl:
            ts, end = round(e["ts"] * 1000), round((e["ts"] + e["dur"]) * 1000)
            while stack and stack[-1] <= ts:
                stack.pop()
            if stack and end > stack[-1]:
                bad.append((key, e["name"], e["ts"]))
            stack.append(end)
    case("trace_json_slices_nest", not bad, f"{len(bad)} overlapping slices, e.g. {bad[:3]}")
    outs = {e["bind_id"]: e for e in events if e.get("flow_out")}
    ins = {e["bind_id"]: e for e in events if e.get("flow_in")}
    ipc = [b for b in ins if b in outs and ins[b].get("cat") == "ipc"
           and ins[b]["name"] == "IPC in" and outs[b]["pid"] != ins[b]["pid"]]
    case("trace_json_ipc_flow", len(ipc) > 0,
         f"{len(outs)} flows out, {len(ins)} in, none an IPC between two PDs")
    early = [b for b in ins if b in outs and outs[b]["ts"] > ins[b]["ts"]]
    case("trace_json_flows_forward", not early, f"{len(early)} flows end before they start")
    faults = [e for e in events if e.get("cat") == "fault" and e["name"] == "VMFault"
              and "addr" in e.get("args", {})]
    case("trace_json_fault", len(faults) > 0, "no VMFault event")


main()
