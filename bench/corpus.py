"""A deterministic synthetic corpus of N paragraphs, recombined from the seed's real sentences.

    python bench/corpus.py 100000 bench/out/corpus-100000

~40 paragraphs per report file, section headings every few paragraphs, paragraph lengths
drawn from the seed's own, numbers varied so that they do not collapse to a few values.
"""
from __future__ import annotations

import random
import re
import sys
from pathlib import Path

from common import ROOT

from indexer.ingest.files import discover
from indexer.ingest.pipeline import file_paragraphs

PER_FILE = 40
_SENTENCE = re.compile(r"[^。！？；]+[。！？；]")
_NUMBER = re.compile(r"\d+(\.\d+)?")
_PLACES = ["嘉禾", "攸", "马边", "临淮", "谷里", "新塘", "东关", "湖南路", "西万", "城郊", "双峰", "桃源", "永丰", "清河"]
_SUFFIX = ["县", "镇", "乡", "街道", "区"]
_HEADINGS = ["一、基本情况", "二、主要做法", "三、取得的成效", "四、存在的问题", "五、下一步工作打算",
             "（一）加强组织领导", "（二）完善工作机制", "（三）强化督查考核"]


def seed_material(corpus: Path = ROOT / "corpus"):
    sentences, lengths, titles = [], [], set()
    for cf in discover(corpus):
        for p in file_paragraphs(cf.path.read_bytes(), cf.source):
            lengths.append(len(p.text))
            titles.add(p.report_title)
            sentences += [s for s in _SENTENCE.findall(p.text) if len(s) >= 8]
    return sentences, lengths, sorted(titles)


def generate(n: int, out: Path, seed: int = 2024) -> int:
    """Write n paragraphs into out/; return the number of UTF-8 bytes written."""
    rng = random.Random(seed)
    sentences, lengths, titles = seed_material()
    out.mkdir(parents=True, exist_ok=True)
    written = 0

    def vary(sentence: str) -> str:
        return _NUMBER.sub(lambda m: str(rng.randint(1, 99999) if "." not in m.group(0)
                                         else round(rng.uniform(0.1, 999), 2)), sentence)

    for f in range((n + PER_FILE - 1) // PER_FILE):
        count = min(PER_FILE, n - f * PER_FILE)
        place = rng.choice(_PLACES) + rng.choice(_SUFFIX)
        title = place + rng.choice(titles).lstrip("×xX")
        lines = [f"{title}（{f}）", ""]
        for i in range(count):
            if i % 8 == 0:
                lines += [rng.choice(_HEADINGS), ""]
            target = rng.choice(lengths)
            para = ""
            while len(para) < target:
                para += vary(rng.choice(sentences))
            lines += [para, ""]
        text = "\n".join(lines)
        path = out / f"{f // 1000:03d}" / f"report-{f:06d}.txt"
        path.parent.mkdir(exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        written += len(data)
    return written


if __name__ == "__main__":
    size = generate(int(sys.argv[1]), Path(sys.argv[2]))
    print(f"{size / 1e6:.1f} MB")
