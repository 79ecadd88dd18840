#!/usr/bin/python3
"""Decode + verify with pymacaroons 0.13.0 (Debian python3-pymacaroons).

Reads the token file written by PeerComparison and prints one JSON line per case."""
import json
import sys
import time

from pymacaroons import Macaroon, Verifier

for line in open(sys.argv[1], encoding="utf-8"):
    name, secret_hex, token, predicates = (line.rstrip("\n").split("\t") + [""])[:4]
    secret = bytes.fromhex(secret_hex)
    verifier = Verifier()
    for predicate in filter(None, predicates.split(",")):
        verifier.satisfy_exact(bytes.fromhex(predicate).decode("utf-8"))
    best = float("inf")
    for _ in range(5):
        iterations, start = 0, time.perf_counter_ns()
        while time.perf_counter_ns() - start < 200_000_000:
            for _ in range(20):
                verifier.verify(Macaroon.deserialize(token), secret)
            iterations += 20
        best = min(best, (time.perf_counter_ns() - start) / iterations)
    print(json.dumps({"scenario": name, "implementation": "pymacaroons", "ns_per_op": round(best)}))
