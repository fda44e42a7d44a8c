"""What one indexing run did (indexer.update), as the command line, the watcher and status.json see it."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Summary:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: dict[str, str] = field(default_factory=dict)      # source → reason
    partial: dict[str, str] = field(default_factory=dict)      # source → what was left out of it
    formats: Counter = field(default_factory=Counter)
    duplicates: list[dict] = field(default_factory=list)       # reports indexed once, see dedup
    reports: int = 0
    paragraphs: int = 0
    seconds: float = 0.0
    rebuilt: bool = False
    slowest: tuple[str, float] = ("", 0.0)                      # the file slowest to read, seconds

    @property
    def did_work(self) -> bool:
        return bool(self.added or self.changed or self.deleted or self.rebuilt)

    def as_dict(self) -> dict:
        return {
            "added": self.added, "changed": self.changed, "deleted": self.deleted,
            "unchanged": self.unchanged, "skipped": self.skipped, "partial": self.partial,
            "formats": dict(self.formats), "reports": self.reports,
            "paragraphs": self.paragraphs, "duplicates": self.duplicates,
            "seconds": round(self.seconds, 3), "rebuilt": self.rebuilt,
            "slowest": [self.slowest[0], round(self.slowest[1], 3)],
        }
