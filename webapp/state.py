"""The state of a search page — query, filters, sort, page — read from and written to the URL.

Where the flow begins: the query and its filters are read and checked here, then parsed and
searched by indexer.search; links to other states of the page are written here too.

Everything that narrows a search lives in the query string, so a search itself can be pasted
into a note and reopened; the paragraph page carries the same state for its way back.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from indexer.search import facets
from indexer.errors import QueryError
from indexer.links import export_path, facets_path, paragraph_path, search_path

MAX_PAGE = 1000
GROUPS = {"report": "按报告"}       # ways to list results besides paragraph by paragraph


def int_arg(args, name: str, default: int, low: int, high: int) -> int:
    """The integer URL parameter ``name`` (``default`` when absent or empty); QueryError unless
    it is an integer from ``low`` to ``high``."""
    raw = args.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise QueryError(f"参数 {name} 须为整数") from None
    if not low <= value <= high:
        raise QueryError(f"参数 {name} 须在 {low} 到 {high} 之间")
    return value


@dataclass(frozen=True)
class SearchState:
    q: str = ""
    page: int = 1
    sort: str = "relevance"
    filters: dict[str, str] = field(default_factory=dict)
    group: str = ""            # "report": one best paragraph per report (indexer.search.grouping)

    @classmethod
    def from_args(cls, args) -> "SearchState":
        """Read request.args; raise QueryError with a Chinese message for a bad value."""
        page = int_arg(args, "page", 1, 1, MAX_PAGE)
        filters, sort = facets.validate({name: args.get(name, "") for name in facets.FACETS},
                                        args.get("sort", ""))
        group = args.get("group", "")
        if group not in ("", *GROUPS):
            raise QueryError("分组方式只能是 report（按报告列出）")
        return cls(q=args.get("q", ""), page=page, sort=sort, filters=filters, group=group)

    def params(self, page: bool = True) -> dict:
        """URL parameters other than q, defaults left out."""
        out = dict(self.filters)
        if self.sort != "relevance":
            out["sort"] = self.sort
        if self.group:
            out["group"] = self.group
        if page and self.page > 1:
            out["page"] = self.page
        return out

    def url(self) -> str:
        return search_path(self.q, **self.params())

    def back_url(self) -> str | None:
        """The search a paragraph or report page was opened from, for its way back; None without one."""
        return self.url() if self.q else None

    def with_filter(self, name: str, value: str | None) -> "SearchState":
        filters = {k: v for k, v in self.filters.items() if k != name}
        if value:
            filters[name] = value
        return replace(self, filters=filters, page=1)

    def with_sort(self, sort: str) -> "SearchState":
        return replace(self, sort=sort, page=1)

    def with_page(self, page: int) -> "SearchState":
        return replace(self, page=page)

    def with_group(self, group: str) -> "SearchState":
        return replace(self, group=group, page=1)

    def with_query(self, q: str) -> "SearchState":
        return replace(self, q=q, page=1)

    def paragraph_url(self, pid: str) -> str:
        """A paragraph link that remembers this search (highlighting, the way back)."""
        return paragraph_path(pid, q=self.q, **self.params())

    def facets_url(self) -> str:
        return facets_path(self.q, **self.params(page=False))

    def export_url(self, fmt: str) -> str:
        return export_path(fmt, self.q, **self.params(page=False))
