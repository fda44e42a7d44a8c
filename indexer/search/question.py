"""A question as typed → the topic it asks about.

Its place in the flow query → parse → search → highlight → results: part of the parse
(indexer.search.query reads each unquoted word through ``topic``). Users type questions:
如何推进农村危房改造, 哪些地方推行河长制, 社区建设资金不足怎么办. The question words say how they
ask, not what about, and so does the frame around them: the verb a how-question asks about
(如何 **推进**), the kind of answer a which-question wants and its verb (哪些 **地方推行**). Left in,
推进农村危房改造 would ask for paragraphs that say 推进 right before the topic, and rank first
those that do, whatever they say of it. The topic is what remains: 农村危房改造, 河长制.
"""
from __future__ import annotations

import re

from indexer.text.analysis import segment
from indexer.text.normalize import normalize

# How and why: the word after them is the verb asked about (如何推进, 怎么推行, 为什么要).
_HOW = r"为什么要|为什么|怎么样|怎么|怎样|如何|是否"
# Which and what: the word after them is the kind of answer (地方, 措施), then its verb.
_WHICH = r"哪些|哪种|何种|哪类"
_QUESTION = re.compile(rf"怎么办|(?P<how>{_HOW})|(?P<which>{_WHICH})|什么是|是什么|哪里|什么|[吗呢]+$|[？?]+")
_FRAME_WORDS = {"how": 1, "which": 2}
_ASPECT = {"了", "过", "着"}     # 哪些地方建设了综合保税区: the verb's particle is the frame's too


def topic(token: str) -> str:
    """``token`` without its question words and their frame (without the words alone when the
    frame is all there is: 如何推进 → 推进); ``token`` itself when nothing would be left (a
    question word is then what the user looks for)."""
    for frames in (True, False):
        rest = _without(token, frames)
        if any(c.isalnum() for c in rest):
            return rest
    return token


def _without(token: str, frames: bool) -> str:
    kept, pos = [], 0
    for match in _QUESTION.finditer(token):
        if match.start() < pos:
            continue                        # inside a frame already dropped
        kept.append(token[pos:match.start()])
        pos = match.end()
        frame = _FRAME_WORDS.get(match.lastgroup or "", 0) if frames else 0
        words = segment(normalize(token[pos:]))[:frame + 1]
        if frame and len(words) >= frame:
            pos += words[frame][2] if len(words) > frame and words[frame][0] in _ASPECT else words[frame - 1][2]
    kept.append(token[pos:])
    return "".join(kept)
