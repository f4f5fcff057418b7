"""NIKs and family-card numbers (KK, 16 digits too) never reach a log (issue 6, "PII"; issue 18). This test runs after every other test of the
session (conftest.py puts it last) and reads every log record the session made, in this
process and in the local stacks it started."""

import logging

import pytest

from tests import log_lines


def test_the_check_sees_a_nik_in_a_message_an_extra_or_a_traceback():
    logger = logging.getLogger("tests.nik-probe")
    before = len(log_lines.records)
    logger.warning("checked %s", "3276011708850003")
    logger.warning("checked", extra={"nik": "3276011708850003"})
    try:
        raise ValueError("bad NIK 3276011708850003")
    except ValueError:
        logger.warning("failed", exc_info=True)
    logger.warning("checked %s", "327601********03")
    probes = log_lines.records[before:]
    del log_lines.records[before:]  # the probes are not the suite's own lines
    assert [bool(log_lines.offending([line])) for line in probes] == [True, True, True, False]


def test_no_log_line_of_the_suite_holds_a_nik():
    """Run by itself, or last in a single process. Under pytest-xdist this reads its worker's
    lines; conftest.py reads every worker's once all are done and fails the session on any NIK."""
    lines = log_lines.records + log_lines.stack_lines()
    if len(lines) < 50:
        pytest.skip("run with the rest of the suite: alone there are no log lines to read")
    found = log_lines.offending(lines)
    assert found == [], found[:5]
    # The capture did see the suite's work (so an empty result above means something).
    assert any("application created" in text for _name, text in lines)


def test_the_check_sees_a_family_card_number_as_it_sees_a_nik():
    logger = logging.getLogger("tests.kk-probe")
    before = len(log_lines.records)
    logger.warning("filed", extra={"family_card_number": "3276060101090007"})
    logger.warning("filed", extra={"family_card_number": "327606********07"})
    probes = log_lines.records[before:]
    del log_lines.records[before:]
    assert [bool(log_lines.offending([line])) for line in probes] == [True, False]
