"""A JSON file beside the index, replaced whole: a reader sees the old file or the new one, never half."""
from __future__ import annotations

import json
import os
from pathlib import Path


def replace_json(path: Path, data, **dumps) -> None:
    """Write ``data`` (json.dumps with ``dumps``) to a temporary file beside ``path``, then put it in
    its place. OSError when it cannot; the temporary file is not left behind. Its name,
    ``.{name}.{pid}.tmp``, is one indexer.unchanged knows to leave out of the index folder's fingerprint."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(json.dumps(data, **dumps), encoding="utf-8")
        os.replace(temporary, path)
    except BaseException:
        try:
            temporary.unlink()
        except OSError:
            pass
        raise
