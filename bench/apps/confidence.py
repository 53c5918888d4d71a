#!/usr/bin/env python3
"""Precision by confidence on the application corpus (issue 24, item 8).

Joins the reviewers' labels (bench/apps/labels.csv) with the confidence each
labelled finding has in the last scan of the corpus (the JSON that
`scripts/ecosystem --corpus apps` leaves in its cache, scans-apps/), and prints
per rule and overall: labelled / true positives per confidence level, and the
precision of the default suite (high) against every finding.

Usage: scripts/ecosystem --corpus apps --no-build && bench/apps/confidence.py
Standard library only.
"""
import collections
import csv
import glob
import json
import os

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CACHE = os.environ.get("AUDITBENCH_ECOSYSTEM_CACHE",
                       os.path.expanduser("~/.cache/auditbench-ecosystem"))
LEVELS = ["high", "medium", "low"]


def main():
    conf = {}
    for path in glob.glob(os.path.join(CACHE, "scans-apps", "*.json")):
        project = os.path.basename(path)[:-5]
        for f in json.load(open(path))["findings"]:
            if f.get("kind") == "finding":
                conf[(f["rule"], project, f["path"], str(f["line"]))] = f.get("confidence", "?")
    table = collections.defaultdict(lambda: {lv: [0, 0] for lv in LEVELS + ["?"]})
    missing = 0
    with open(os.path.join(REPO, "bench", "apps", "labels.csv"), newline="") as fh:
        for row in csv.DictReader(fh):
            if row["rule"].startswith("GOOD"):
                continue
            key = (row["rule"], row["project"], row["path"], row["line"])
            if key not in conf:
                missing += 1
                continue
            cell = table[row["rule"]][conf[key]]
            cell[1] += 1
            cell[0] += row["verdict"] == "TP"
    print("| rule | " + " | ".join(f"{lv} TP/labelled" for lv in LEVELS) + " |")
    print("|---|" + "---:|" * len(LEVELS))
    total = {lv: [0, 0] for lv in LEVELS}
    for rule in sorted(table):
        cells = []
        for lv in LEVELS:
            tp, n = table[rule][lv]
            total[lv][0] += tp
            total[lv][1] += n
            cells.append(f"{tp}/{n}" if n else "")
        print(f"| {rule} | " + " | ".join(cells) + " |")
    pct = lambda tp, n: f"{100 * tp / n:.0f}%" if n else "n/a"
    print()
    for lv in LEVELS:
        print(f"{lv}: {total[lv][0]}/{total[lv][1]} true ({pct(*total[lv])})")
    tp_all = sum(t[0] for t in total.values())
    n_all = sum(t[1] for t in total.values())
    print(f"default suite (high): {pct(*total['high'])} of {total['high'][1]} labelled findings; "
          f"every finding: {pct(tp_all, n_all)} of {n_all}")
    if missing:
        print(f"{missing} labelled finding(s) not in the last scan (a rule changed since labelling)")


if __name__ == "__main__":
    main()
