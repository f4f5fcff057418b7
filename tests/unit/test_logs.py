"""chalicelib.logs: set up once however many threads ask at the same moment, and masking."""

import logging
import threading

from chalicelib import logs


def test_configuring_from_many_threads_at_once_adds_one_handler():
    loggers = [logging.getLogger(name) for name in ("chalicelib", "satupintu")]
    saved = [(logger, list(logger.handlers), logger.propagate, logger.level) for logger in loggers]
    saved_state = logs._configured
    for logger in loggers:
        logger.handlers = []
    logs._configured = False
    start = threading.Barrier(8)

    def configure():
        start.wait()
        logs.configure()

    try:
        threads = [threading.Thread(target=configure) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [len(logger.handlers) for logger in loggers] == [1, 1]
        assert logging.getLogger("fontTools").getEffectiveLevel() >= logging.WARNING
    finally:
        for logger, handlers, propagate, level in saved:
            logger.handlers = handlers
            logger.propagate = propagate
            logger.setLevel(level)
        logs._configured = saved_state


def test_a_nik_or_token_that_slips_into_a_record_is_masked_and_the_record_marked():
    record = logging.LogRecord("chalicelib.x", logging.INFO, __file__, 1, "looked up %s with %s",
                               ("3276061507900002", "eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl"), None)
    assert logs.Redact().filter(record)
    assert record.getMessage() == "looked up [16 digits] with [token]"
    assert record.pii_redacted is True
