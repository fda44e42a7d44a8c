"""Exceptions the library raises on purpose; the CLI turns them into one-line messages."""


class ReportSearchError(Exception):
    """Base class: the message is meant for the user (in Chinese)."""


class UnreadableFile(ReportSearchError):
    """A corpus file that cannot be turned into text; it is reported and skipped."""


class IndexMissing(ReportSearchError):
    """No index at the configured path."""


class IndexDamaged(ReportSearchError):
    """The index lacks a file its last commit names."""


class IndexBusy(ReportSearchError):
    """Another indexer holds the write lock."""


class QueryError(ReportSearchError):
    """A query that cannot be searched, with a message that says what would work."""
