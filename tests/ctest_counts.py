#!/usr/bin/env python3
"""Counts the unit tier's checks from a ctest log and gtest's XML reports.

Usage: ctest_counts.py CTEST_LOG GTEST_RESULTS_DIR
Prints "PASSED FAILED SKIPPED" on stdout and, on stderr, every skipped gtest
case with gtest's reason (the tier's line says each has its reason in the
log). A gtest binary is one ctest test (cmake/piiguard.cmake) whose cases are
counted from its XML report; an integration script is one check. A binary
that failed without a report (it crashed, or timed out) counts one failure
beside the cases its report has none of; a script skips with exit code 77.
"""
import os
import re
import sys
import xml.etree.ElementTree as ET

RESULT = re.compile(
    r'Test +#\d+: (\S+) \.*\s*(?:\*\*\*)?(Skipped|Passed|Failed|Timeout'
    r'|Exception|Not Run|Exit code)')


def gtest_counts(path):
    """(passed, failed, skipped, [(case, reason)]) from one XML report."""
    root = ET.parse(path).getroot()
    passed = failed = 0
    skipped = []
    for case in root.iter('testcase'):
        name = case.get('classname', '') + '.' + case.get('name', '')
        if case.find('failure') is not None or case.find('error') is not None:
            failed += 1
        elif case.get('result') == 'skipped' or case.find('skipped') is not None:
            node = case.find('skipped')
            reason = node.get('message', '') if node is not None else ''
            skipped.append((name, reason.replace('\n', ': ')))
        elif case.get('status', 'run') == 'run':
            passed += 1
    return passed, failed, skipped


def main():
    log, results = sys.argv[1], sys.argv[2]
    passed = failed = skipped = 0
    seen = set()
    with open(log, encoding='utf-8', errors='replace') as f:
        for line in f:
            m = RESULT.search(line)
            if not m or m.group(1) in seen:
                continue
            name, status = m.group(1), m.group(2)
            seen.add(name)
            report = os.path.join(results, name + '.xml')
            ok = status == 'Passed'
            if os.path.exists(report):
                try:
                    p, bad, skip = gtest_counts(report)
                except ET.ParseError as e:
                    print(f'ctest_counts: {report}: unreadable ({e})',
                          file=sys.stderr)
                    p, bad, skip = 0, 0, []
                for case, reason in skip:
                    print(f'skipped: {name}: {case}: {reason}', file=sys.stderr)
                passed += p
                skipped += len(skip)
                failed += bad if bad or ok else 1
            elif status == 'Skipped':
                skipped += 1
            elif ok:
                passed += 1
            else:
                failed += 1
    if not seen:
        failed = 1
    print(passed, failed, skipped)


if __name__ == '__main__':
    main()
