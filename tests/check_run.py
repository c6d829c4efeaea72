"""Fail the test run unless the PostgreSQL storage tests ran and nothing was skipped.

Called by ``make test`` after pytest with the JUnit XML it wrote.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET


def main(path: str) -> int:
    cases = ET.parse(path).getroot().iter("testcase")
    total = postgres = 0
    skipped = []
    for case in cases:
        total += 1
        postgres += "[postgresql" in case.get("name", "")
        if case.find("skipped") is not None:
            skipped.append(f"{case.get('classname')}::{case.get('name')}")
    if skipped:
        print(f"check_run: {len(skipped)} skipped test(s): {', '.join(skipped[:10])}")
        return 1
    if postgres == 0:
        print("check_run: no PostgreSQL test ran; the storage tests must run on PostgreSQL")
        return 1
    print(f"check_run: {total} tests, {postgres} of them on PostgreSQL, none skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
