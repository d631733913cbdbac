"""Compute the seven measures of log-distance-measures 2.2.0 on two XES logs and print
them as JSON: the reference navbat-discover's measures are held to (tests/it/ldm.rs).

Usage: compute.py REAL.xes SIM.xes

Activity instances are built as navbat builds them: each `complete` closes the earliest
open `start` of the same activity in the case, a lone `complete` is an instant, starts never
completed and other transitions are left out. Timestamps go to the package in UTC, except
for the circadian measure, which reads the log's own wall clock (each timestamp's offset).
"""
import datetime
import json
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict, deque

import pandas as pd
from log_distance_measures.absolute_event_distribution import absolute_event_distribution_distance
from log_distance_measures.case_arrival_distribution import case_arrival_distribution_distance
from log_distance_measures.circadian_event_distribution import circadian_event_distribution_distance
from log_distance_measures.config import EventLogIDs
from log_distance_measures.control_flow_log_distance import control_flow_log_distance
from log_distance_measures.cycle_time_distribution import cycle_time_distribution_distance
from log_distance_measures.n_gram_distribution import n_gram_distribution_distance
from log_distance_measures.relative_event_distribution import relative_event_distribution_distance

NS = "{http://www.xes-standard.org/}"
IDS = EventLogIDs(case="case", activity="activity", start_time="start", end_time="end")


def attributes(element):
    return {a.get("key"): a.get("value") for a in element if a.get("key") is not None}


def instances(path):
    rows = []
    for trace in ET.parse(path).getroot().iter(NS + "trace"):
        case = attributes(trace)["concept:name"]
        open_starts = defaultdict(deque)
        for event in trace.iter(NS + "event"):
            a = attributes(event)
            name = a["concept:name"]
            life = a.get("lifecycle:transition", "complete").lower()
            t = datetime.datetime.fromisoformat(a["time:timestamp"])
            if life == "start":
                open_starts[name].append(t)
            elif life == "complete":
                start = open_starts[name].popleft() if open_starts[name] else t
                rows.append((case, name, start, t))
    return rows


def frame(rows, local):
    def conv(t):
        if local:
            return pd.Timestamp(t.replace(tzinfo=None))
        return pd.Timestamp(t).tz_convert("UTC")

    return pd.DataFrame(
        {
            "case": [r[0] for r in rows],
            "activity": [r[1] for r in rows],
            "start": [conv(r[2]) for r in rows],
            "end": [conv(r[3]) for r in rows],
        }
    )


def main():
    real, sim = instances(sys.argv[1]), instances(sys.argv[2])
    a, b = frame(real, False), frame(sim, False)
    la, lb = frame(real, True), frame(sim, True)
    out = {
        "control_flow_log_distance": control_flow_log_distance(a, IDS, b, IDS, parallel=False),
        "n_gram_distance": n_gram_distribution_distance(a, IDS, b, IDS, n=3),
        "absolute_event_distribution": absolute_event_distribution_distance(a, IDS, b, IDS),
        "circadian_event_distribution": circadian_event_distribution_distance(la, IDS, lb, IDS),
        "relative_event_distribution": relative_event_distribution_distance(a, IDS, b, IDS),
        "cycle_time_distribution": cycle_time_distribution_distance(
            a, IDS, b, IDS, bin_size=datetime.timedelta(hours=1)
        ),
        "case_arrival_distribution": case_arrival_distribution_distance(a, IDS, b, IDS),
    }
    print(json.dumps({k: float(v) for k, v in out.items()}))


if __name__ == "__main__":
    main()
