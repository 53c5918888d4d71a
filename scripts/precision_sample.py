#!/usr/bin/env python3
"""Print a reproducible random sample of findings of one rule with the code around
each, for a manual precision review (see docs/precision.md).

Usage: scripts/precision_sample.py SCAN.json ROOT RULE [N=9] [CONTEXT=8] [SEED=7]
"""
import json
import random
import sys

scan, root, rule = sys.argv[1:4]
n = int(sys.argv[4]) if len(sys.argv) > 4 else 9
ctx = int(sys.argv[5]) if len(sys.argv) > 5 else 8
seed = int(sys.argv[6]) if len(sys.argv) > 6 else 7
findings = [f for f in json.load(open(scan))["findings"] if f["rule"] == rule]
random.seed(seed)
for i, f in enumerate(random.sample(findings, min(n, len(findings)))):
    print(f"=== [{i}] {f['path']}:{f['line']} scope={f.get('scope')}\n  {f['message']}")
    lines = open(f"{root}/{f['path']}", errors="replace").read().split("\n")
    for j in range(max(0, f["line"] - ctx), min(len(lines), f["line"] + ctx)):
        mark = ">>" if j + 1 == f["line"] else "  "
        print(f"{mark}{j + 1:5d} {lines[j]}")
