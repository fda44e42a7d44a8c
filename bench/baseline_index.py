"""Build the obvious design's index from a corpus folder (run as a separate process by perf.py)."""
from __future__ import annotations

import sys
from pathlib import Path

from common import build_baseline

from indexer.ingest.files import discover
from indexer.ingest.pipeline import file_paragraphs

if __name__ == "__main__":
    corpus, index_dir = Path(sys.argv[1]), Path(sys.argv[2])
    paragraphs = []
    for cf in discover(corpus):
        paragraphs += file_paragraphs(cf.path.read_bytes(), cf.source)
    build_baseline(index_dir, paragraphs)
    print(len(paragraphs))
