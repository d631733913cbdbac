"""Load navbat-workflow's XES and OCEL 2.0 exports in pm4py and check the process maps.

Usage: check_exports.py DIR CASES   (DIR holds navbat-cases.xes and navbat-cases.ocel.json)
Prints one line per check and a closing 'N passed, M failed' line; exits non-zero on failure.
"""
import os
import sys

import pm4py

DIR, CASES = sys.argv[1], int(sys.argv[2])
results = []


def check(name, cond, detail=""):
    results.append(bool(cond))
    print(("ok    " if cond else "FAIL  ") + name + (f"  ({detail})" if detail else ""))


log = pm4py.read_xes(os.path.join(DIR, "navbat-cases.xes"))
check("XES loads with one trace per case", log["case:concept:name"].nunique() == CASES,
      f"{log['case:concept:name'].nunique()} traces, {len(log)} events")
for col in ["concept:name", "time:timestamp", "lifecycle:transition", "org:resource"]:
    check(f"every event has {col}", col in log.columns and log[col].notna().all())
first = log[log["case:concept:name"] == "case-0"]["time:timestamp"].min()
check("timestamps keep their +05:00 offset (09:00 local = 04:00 UTC)",
      first.tz is not None and first.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M") == "2026-05-04T04:00",
      str(first))
check("case ids are pseudonymous", log["case:concept:name"].str.match(r"^case-\d+$").all())
check("subjects are pseudonymous", log["case:subject"].str.match(r"^subject-[0-9a-f]{16}$").all())
ordered = log.groupby("case:concept:name")["time:timestamp"].apply(lambda s: s.is_monotonic_increasing)
check("events are in time order within each case", ordered.all())

starts = pm4py.get_start_activities(log)
check("every case starts with 'Open case'", set(starts) == {"Open case"}, str(starts))
ends = pm4py.get_end_activities(log)
check("cases end in several ways", len(ends) >= 5, str(sorted(ends)))
check("every exported case is resolved",
      set(log["case:resolution"].unique()) <= {"delivered", "refused", "withdrawn", "lapsed"},
      str(sorted(log["case:resolution"].unique())))

dfg, _, _ = pm4py.discover_dfg(log)
check("DFG: open -> capture", dfg.get(("Open case", "Capture application"), 0) > 0)
card = pm4py.filter_trace_attribute_values(log, "case:service", ["id-card"])
cdfg, cstart, cend = pm4py.discover_dfg(card)
happy = [("Open case", "Capture application"), ("Capture application", "Pay state duty"),
         ("Pay state duty", "Face-ID: pass"), ("Face-ID: pass", "Check: clear"),
         ("Check: clear", "Produce document"), ("Produce document", "Collect document")]
check("ID-card map follows the happy path", all(cdfg.get(e, 0) > 0 for e in happy),
      str([(e, cdfg.get(e, 0)) for e in happy]))
check("ID-card map shows human review branches",
      any(a.startswith("Claim task") for (a, _) in cdfg), "")
check("ID-card cases end with collection, lapse, refusal or withdrawal",
      set(cend) <= {"Collect document", "ready-for-collection: Deadline expired",
                    "payment: Deadline expired", "refused-notified: Deadline expired",
                    "appeal-review: Review: rejected", "Withdraw"}, str(cend))

net, im, fm = pm4py.discover_petri_net_inductive(card)
fit = pm4py.fitness_token_based_replay(card, net, im, fm)
check("inductive miner model replays the ID-card log", fit["log_fitness"] >= 0.99,
      f"log fitness {fit['log_fitness']:.4f}")
tree = pm4py.discover_process_tree_inductive(log)
check("process tree discovered for all services", tree is not None)

ocel = pm4py.read_ocel2_json(os.path.join(DIR, "navbat-cases.ocel.json"))
types = set(ocel.objects["ocel:type"].unique())
check("OCEL 2.0 loads with case/subject/officer/task objects",
      {"case", "subject", "officer", "task"} <= types, str(sorted(types)))
check("OCEL has one event per XES event", len(ocel.events) == len(log),
      f"{len(ocel.events)} vs {len(log)}")
check("OCEL events relate to objects", len(ocel.relations) >= 2 * len(ocel.events),
      f"{len(ocel.relations)} relations")
ocdfg = pm4py.discover_ocdfg(ocel)
check("object-centric DFG discovered", "case" in ocdfg.get("edges", {}).get("event_couples", {}),
      "")
summary = pm4py.ocel_get_object_types(ocel)
check("object types listed", len(summary) == 4, str(summary))

passed = sum(results)
failed = len(results) - passed
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
