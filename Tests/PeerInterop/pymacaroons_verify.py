#!/usr/bin/python3
"""Verifies macaroons minted by swift-macaroons with pymacaroons (Debian's python3-pymacaroons).

Reads a JSON array of cases from the file named by argv[1]:
  {"name", "format": "v1"|"v2"|"v1json"|"v2json", "root", "discharges": [...], "secret_hex", "predicates": [...]}
Prints a JSON array of {"name", "verified": bool, "error": str|null}.
"""
import json
import sys

from pymacaroons import Macaroon, Verifier
from pymacaroons.serializers import JsonSerializer


def deserialize(text, fmt):
    if fmt in ("v1json", "v2json"):
        return Macaroon.deserialize(text, serializer=JsonSerializer())
    return Macaroon.deserialize(text)


def check(case):
    try:
        root = deserialize(case["root"], case["format"])
        discharges = [deserialize(d, case["format"]) for d in case["discharges"]]
        verifier = Verifier()
        for predicate in case["predicates"]:
            verifier.satisfy_exact(predicate)
        verified = verifier.verify(root, bytes.fromhex(case["secret_hex"]), discharges)
        return {"name": case["name"], "verified": bool(verified), "error": None}
    except Exception as error:  # pymacaroons raises many exception types
        return {"name": case["name"], "verified": False, "error": f"{type(error).__name__}: {error}"}


with open(sys.argv[1], encoding="utf-8") as handle:
    cases = json.load(handle)
print(json.dumps([check(case) for case in cases]))
