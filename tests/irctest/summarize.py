#!/usr/bin/env python3
"""Summarize an irctest JUnit XML report (from tests/irctest/run.sh).

    summarize.py --counts REPORT.xml      one line: N passed, M failed, K skipped
    summarize.py --failures REPORT.xml    each failing test and the first line
                                          of its assertion, by module
    summarize.py --skips REPORT.xml       skip reasons, most frequent first
    summarize.py --diff OLD.xml NEW.xml   tests whose outcome changed

Errors count as failures; expected failures (xfail) as skips.
Exit status of --counts: 0 nothing failed and something ran, 1 otherwise,
2 the report cannot be read.
"""
import collections
import sys
import xml.etree.ElementTree as ET


def cases(path):
    root = ET.parse(path).getroot()
    for case in root.iter("testcase"):
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        name = name.replace("irctest.server_tests.", "")
        outcome, detail = "passed", ""
        for tag in ("failure", "error", "skipped"):
            el = case.find(tag)
            if el is not None:
                outcome = "failed" if tag in ("failure", "error") else "skipped"
                detail = el.get("message") or (el.text or "")
                break
        yield name, outcome, detail


def first_line(text):
    for line in (text or "").splitlines():
        line = line.strip()
        if line:
            return line[:300]
    return "(no message)"


def diff(old_path, new_path):
    try:
        old = {name: outcome for name, outcome, _ in cases(old_path)}
        new = {name: (outcome, detail) for name, outcome, detail in cases(new_path)}
    except (OSError, ET.ParseError) as e:
        print(f"cannot read a report: {e}", file=sys.stderr)
        return 2
    for name in sorted(set(old) | set(new)):
        before = old.get(name, "absent")
        after, detail = new.get(name, ("absent", ""))
        if before != after:
            line = f"{before} -> {after}: {name}"
            if after == "failed":
                line += f"\n    {first_line(detail)}"
            print(line)
    return 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--diff":
        return diff(sys.argv[2], sys.argv[3])
    if len(sys.argv) != 3 or sys.argv[1] not in ("--counts", "--failures", "--skips"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    mode, path = sys.argv[1], sys.argv[2]
    try:
        results = list(cases(path))
    except (OSError, ET.ParseError) as e:
        print(f"cannot read {path}: {e}", file=sys.stderr)
        return 2
    if mode == "--counts":
        n = collections.Counter(outcome for _, outcome, _ in results)
        print(f"{n['passed']} passed, {n['failed']} failed, {n['skipped']} skipped")
        return 1 if n["failed"] or not results else 0
    if mode == "--failures":
        for name, outcome, detail in sorted(results):
            if outcome == "failed":
                print(f"{name}\n    {first_line(detail)}")
        return 0
    reasons = collections.Counter(
        first_line(detail) for _, outcome, detail in results if outcome == "skipped"
    )
    for reason, count in reasons.most_common():
        print(f"{count:4d}  {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
