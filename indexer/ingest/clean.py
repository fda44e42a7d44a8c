"""Remove scraping noise from text blocks.

In the flow files → text → clean → reports → paragraphs → analysis → index, this is clean.

Pure functions. What is noise is decided by rule, and each rule is small and tested:
stray ASCII marks inside Chinese words, site notices, page furniture, photo credits.
Metadata lines (时间/作者/来源) are not noise: they are lifted out as fields.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.ingest.metadata import normalize_date, parse_meta_line
from indexer.text.radicals import unify_radicals

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_OR_PUNCT = CJK + r"\u3000-\u303f\uff00-\uff0f\uff1a-\uff20“”‘’"

# A scraper's stray ' ` . between two Chinese characters: 并重的'原则 → 并重的原则. The middle
# dot is the author's (新华·波罗的海, 营商广西·桂在便利) and stays, as does •.
_STRAY_MARK = re.compile(rf"(?<=[{CJK}])['`.](?=[{_CJK_OR_PUNCT}])|(?<=[{_CJK_OR_PUNCT}])['`](?=[{CJK}])")
# Zero-width and control characters, and the bidirectional overrides (U+202A–202E,
# U+2066–2069) that can make a shown snippet read differently from the indexed text.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff\ufffd"
                        r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
# Spaces between two Chinese characters come from layout, not from the author.
_CJK_GAP = re.compile(rf"(?<=[{CJK}，。、；：！？）”])[ \t\u00a0]+(?=[{CJK}（“])")

# 《某某报告》全文内容当前网页未完全显示,剩余内容请访问下一页查看。
_NOTICE = re.compile(
    r"(全文内容当前网页未完全显示|剩余内容请访问下一页|点击(这里)?(查看|阅读)全文|"
    r"(本文|文章)(来源于网络|由.{0,20}整理)|版权(归|属于).{0,20}所有|转载请(注明|保留)|"
    r"免责声明|如有侵权|联系(我们)?删除|扫一扫|扫码|关注(我们的)?(微信)?公众号)"
)
_NOTICE_TITLE = re.compile(r"^《([^》]{2,60})》全文内容")
_FURNITURE = re.compile(
    r"^[【\[（(]?\s*(下载|打印|收藏|分享(到)?|字号|字体|关闭(窗口)?|返回(顶部|首页|列表)?|上一篇|下一篇|"
    r"相关(阅读|文章|推荐)|热门(文章|推荐)|推荐阅读|责任编辑|编辑|点击数|阅读(量|数|次数)|浏览(次数)?|"
    r"当前位置|您的位置|首页)\s*[】\]]?\s*([:：>＞|｜]|$)"
)
_FURNITURE_LINE = re.compile(r"^([【\[]?(下载|打印|收藏|分享|关闭|大|中|小|默认|字号)[】\]]?\s*[|｜/]?\s*){2,}$")
_PHOTO_CREDIT = re.compile(r"^[（(]?\s*(图片?(来源|由|为|片)|摄影|供图|图/|配图|图源)[：:/\s].{0,40}[）)]?$")
# Shapes of page furniture that hold on any site (no site's words):
# a line of page-control words only (全屏加大还原减小, 【字体：大 中 小】, 打印本页 关闭);
_UI_WORDS = re.compile(
    r"^([【】\[\]（）()|｜/·\s]|字体[：:]?|字号[：:]?|全屏|加大|还原|减小|默认|大|中|小|打印(本页)?|分享(到)?|"
    r"关闭(本页|窗口)?|收藏|返回(顶部)?|A[+\-＋－])+$")
# a timestamp alone (2026年02月10日 07时41分, 2023年10月11日 星期三);
_TIMESTAMP = re.compile(
    r"^[（(]?\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(\s*(星期|周)[一二三四五六日天])?"
    r"(\s*\d{1,2}\s*[:：时]\s*\d{1,2}\s*(分|[:：]\s*\d{1,2})?)?[）)]?$")
# a breadcrumb trail (首页>数据开放>统计公报, 首页>> 中国概况>> 中国简况);
# (an item holds no < or >, so markup such as <script> is never read as a trail)
_BREADCRUMB = re.compile(r"^([^。，；！？<>》]{0,12}[：:])?\s*[^。，；！？<>》]{1,16}(\s*(>>?|》》?|›|→)\s*[^。，；！？<>》]{1,16}){2,}$")
# arrows drawn with guillemets (》》点击图片进入专题《《) and 相关…： labels with nothing after them;
_ARROWS = re.compile(r"》》[^《。]{0,20}《《")
_RELATED = re.compile(r"^(相关[^。，；\s]{1,4}\s*(>>|》》|[：:])\s*)+(…|\.\.\.)?$")
# a wire-service dateline (新华社北京3月17日电);
_DATELINE = re.compile(rf"^[{CJK}]{{2,12}}(\d{{4}}年)?\d{{1,2}}月\d{{1,2}}日电$")
# a photo caption or credit (…作政府工作报告。本报记者戴冰摄);
_CAPTION = re.compile(rf"(记者|摄影|通讯员)[\s{CJK}·]{{2,14}}摄[。）)]?$")
# a site name with its address (中央政府门户网站 www.gov.cn 2009年03月16日 来源：新华社).
_SITE_LINE = re.compile(r"(www\.|https?://)[\w.-]+")
_WORDLESS = re.compile(rf"^[^{CJK}A-Za-z0-9]*$")


# A code point written out by a lossy converter: <U+00A0>.
_ESCAPED = re.compile(r"<U\+([0-9A-Fa-f]{4,6})>")


def _unescape(m: re.Match) -> str:
    code = int(m.group(1), 16)
    return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else ""


def clean_inline(text: str) -> str:
    """Normalise one block: drop invisible characters and stray marks, fold spaces."""
    # Every line of every file comes here, most with nothing to mend: a pattern whose characters
    # are absent is not run (the look-behinds cost a look at every character).
    if "<U+" in text:
        text = _ESCAPED.sub(_unescape, text)
    text = unify_radicals(_INVISIBLE.sub("", text))      # ⼯作 from a PDF → 工作
    if "'" in text or "`" in text or "." in text:
        text = _STRAY_MARK.sub("", text)
    text = _SPACES.sub(" ", text)
    if " " in text:
        text = _CJK_GAP.sub("", text)
    return text.strip()


def is_notice(line: str) -> bool:
    return len(line) < 120 and bool(_NOTICE.search(line))


def is_furniture(line: str) -> bool:
    """A line of page furniture by its shape alone (site-specific furniture is learnt, see
    ``furniture``)."""
    if _FURNITURE.match(line) or _FURNITURE_LINE.match(line) or _PHOTO_CREDIT.match(line):
        return True
    if _WORDLESS.match(line) or _UI_WORDS.match(line) or _TIMESTAMP.match(line) or _RELATED.match(line):
        return True
    if len(line) <= 80 and (_BREADCRUMB.match(line) or _ARROWS.search(line) or _DATELINE.match(line)):
        return True
    if len(line) <= 150 and _CAPTION.search(line):
        return True
    return len(line) <= 100 and bool(_SITE_LINE.search(line)) and "。" not in line


@dataclass
class Cleaned:
    blocks: list[str] = field(default_factory=list)
    headings: set[int] = field(default_factory=set)
    meta: dict[str, str] = field(default_factory=dict)
    # Titles named by site notices (《X》全文内容…), keyed by the index of the next block.
    notice_titles: dict[int, str] = field(default_factory=dict)
    # Dates standing alone on a line (a sign-off's date, a page's timestamp), keyed by the
    # index of the next block: they date the report they sit in, and are not text.
    dates: dict[int, str] = field(default_factory=dict)
    title: str = ""                  # named by the file's front matter (标题：…)


# Front matter a collector wrote above the text: 标题：…/发文单位：…/发文时间：…/来源URL：…/正文：
_FRONT_FIELD = re.compile(rf"^([{CJK}A-Za-z ]{{2,8}})[：:]\s*(.*)$")
_FRONT_KEYS = (("title", re.compile(r"标题|题目|题名|名称|title", re.I)),
               ("date", re.compile(r"时间|日期|date", re.I)),
               ("author", re.compile(r"单位|机关|作者|发布者|author", re.I)))


def front_matter(blocks: list[str]) -> tuple[int, dict[str, str]]:
    """How many leading blocks are a ``label：value`` header (at least two such lines, and a bare
    ``label：`` closing it), and the fields it names (title, date, author)."""
    lines = [clean_inline(b) for b in blocks[:20]]
    n = 0
    while n < len(lines) and (not lines[n] or _FRONT_FIELD.match(lines[n]) and
                              _FRONT_FIELD.match(lines[n]).group(2) and len(lines[n]) <= 300):
        n += 1
    fields: dict[str, str] = {}
    if sum(1 for line in lines[:n] if line) < 2:
        return 0, fields
    if n < len(lines) and _FRONT_FIELD.match(lines[n]) and not _FRONT_FIELD.match(lines[n]).group(2) \
            and len(lines[n]) <= 6:
        n += 1                                   # 正文：
    for line in lines[:n]:
        m = _FRONT_FIELD.match(line)
        if not m or not m.group(2):
            continue
        for key, pattern in _FRONT_KEYS:
            if pattern.search(m.group(1)) and key not in fields:
                value = normalize_date(m.group(2)) if key == "date" else m.group(2).strip()[:80]
                if value:
                    fields[key] = value
                break
    return n, fields


def clean_blocks(blocks: list[str], headings: set[int] = frozenset(),
                 furniture: frozenset[str] = frozenset()) -> Cleaned:
    """Clean a file's blocks; metadata lines become fields, noise lines disappear.

    ``furniture``: keys (``furniture.line_key``) of lines learnt as the collection's furniture.
    """
    from indexer.ingest.furniture import is_learnt     # furniture reads with clean's rules

    out = Cleaned()
    skip, fields = front_matter(blocks)
    out.title = fields.pop("title", "")
    out.meta.update(fields)
    lines = [clean_inline(raw) if i >= skip else "" for i, raw in enumerate(blocks)]
    dropped = page_lists(lines)
    captions: set[str] = set()
    after_furniture: list[bool] = []        # per kept block: the line before it was furniture
    furniture_last = False
    for i, raw in enumerate(blocks):
        line = lines[i]
        if not line:
            continue
        if i in dropped or _caption_repeat(line, captions):
            furniture_last = True
            continue
        if is_notice(line):
            m = _NOTICE_TITLE.match(line)
            if m:
                out.notice_titles[len(out.blocks)] = m.group(1)
            continue
        if _TIMESTAMP.match(line):
            _sign_off(out, line)
            continue
        if is_bracketed_signer(line, out.blocks):
            out.meta.setdefault("author", line.strip("（）() "))
            continue
        if is_furniture(line) or (furniture and is_learnt(line, furniture)):
            furniture_last = True
            continue
        meta = parse_meta_line(_SPACES.sub(" ", _INVISIBLE.sub("", raw)).strip())
        if meta is not None:
            for key, value in meta.items():
                out.meta.setdefault(key, value)
            continue
        if i in headings:
            out.headings.add(len(out.blocks))
        out.blocks.append(line)
        after_furniture.append(furniture_last)
        furniture_last = False
    if furniture_last:
        _drop_stray_tail(out, after_furniture)
    return out


STRAY_MAX = 10


def _drop_stray_tail(out: Cleaned, after_furniture: list[bool]) -> None:
    """Short lines after the text with furniture on both sides (是否继续？ between a page's
    leave-site notice and its buttons) are the page's, not the report's last words."""
    while out.blocks and after_furniture[len(out.blocks) - 1] and len(out.blocks[-1]) <= STRAY_MAX \
            and len(out.blocks) - 1 not in out.headings:
        out.blocks.pop()


def page_lists(lines: list[str]) -> set[int]:
    """Indexes of the lines of link lists and field tables (see ``navigation``)."""
    from indexer.ingest.navigation import breadcrumbs, field_tables, link_lists

    kept = [i for i, line in enumerate(lines) if line]
    compact = [lines[i] for i in kept]
    found = link_lists(compact, is_furniture) | field_tables(compact, lambda line: bool(_TIMESTAMP.match(line))) \
        | breadcrumbs(compact)
    return {kept[k] for k in found}


_SENTENCE_STEM = re.compile(r"^.*[。！？]")


def _caption_repeat(line: str, captions: set[str]) -> bool:
    """A photo caption with its credit (…作政府工作报告。新华社记者 庞兴雷 摄) is remembered;
    the same caption again without the credit (a page shows it twice) is a caption too."""
    m = _CAPTION.search(line) if len(line) <= 150 else None
    if m:
        stem = _SENTENCE_STEM.match(line[:m.start()])
        if stem and len(stem.group(0)) >= 10:
            captions.add(stem.group(0))
        return False
    return line in captions


_SIGNER = re.compile(rf"^[{CJK}（）()\s]{{3,30}}$")
_TITLE_WORD = re.compile(r"(报告|公报|汇报|总结|讲话|纪要)$")


def _is_signer(line: str) -> bool:
    return bool(_SIGNER.match(line)) and not _TITLE_WORD.search(line)


def _after_body(blocks: list[str]) -> bool:
    return bool(blocks) and len(blocks[-1]) >= 30 and blocks[-1].endswith(("。", "！", "？", "；"))


def _sign_off(out: Cleaned, line: str) -> None:
    """A date alone on a line dates its report; the unit name right above it is the report's
    author (a sign-off), not a paragraph."""
    blocks = out.blocks
    if blocks and _is_signer(blocks[-1]) and len(blocks) - 1 not in out.headings:
        out.meta.setdefault("author", blocks.pop().strip("（）() "))
    date = normalize_date(line)
    if date:
        out.dates[len(blocks)] = date


def is_bracketed_signer(line: str, before: list[str]) -> bool:
    """（万载县统计局） after the last body paragraph: the report's author."""
    return line[:1] in "（(" and line[-1:] in "）)" and _is_signer(line) and _after_body(before)
