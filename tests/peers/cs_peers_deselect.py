"""pytest plugin for the peers' suites (OCA helpdesk_mgmt's and base_tier_validation's
own tests run on a database with our addons): deselects the upstream tests listed in
deselected.txt, each with its reason, and prints them in the summary.

A line of deselected.txt: ``<addon>/tests/<file>.py::<Class>::<test>  <reason>``;
``#`` starts a comment line.
"""

import pathlib

LIST = pathlib.Path(__file__).with_name("deselected.txt")


def _entries():
    entries = {}
    for raw in LIST.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        test_id, _sep, reason = line.partition(" ")
        entries[test_id] = reason.strip() or "(no reason given)"
    return entries


def _key(item):
    tail = "/".join(pathlib.Path(str(item.path)).parts[-3:])
    return f"{tail}::{item.nodeid.split('::', 1)[1]}" if "::" in item.nodeid else tail


def pytest_collection_modifyitems(session, config, items):
    entries = _entries()
    kept, dropped = [], []
    for item in items:
        (dropped if _key(item) in entries else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
    config._cs_peers = (entries, {_key(i) for i in dropped})


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    entries, dropped = getattr(config, "_cs_peers", ({}, set()))
    tr = terminalreporter
    tr.section("peers' suites: deselected upstream tests (tests/peers/deselected.txt)")
    for test_id, reason in entries.items():
        mark = "" if test_id in dropped else "  [not collected]"
        tr.write_line(f"{test_id}: {reason}{mark}")
