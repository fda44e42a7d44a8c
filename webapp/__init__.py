"""reportsearch's web front end: the search page, paragraph permalinks and the JSON API.

The end of the search flow: query → parse → search → highlight (indexer.search) → page or JSON
(here). The web package reads the index only through indexer.search and never writes it.

``create_app(config)`` is the factory; tests pass {"INDEX_DIR": tmp} to point it at a
temporary index.
"""
from __future__ import annotations

from flask import Flask

from indexer.search.searcher import Searcher
from indexer.settings import resolve


def create_app(config: dict | None = None) -> Flask:
    from .arenas import limit

    limit()          # before the server's threads first allocate
    app = Flask(__name__)
    defaults = resolve()
    app.config.update(
        INDEX_DIR=str(defaults["index_dir"]),
        CORPUS_DIR=str(defaults["corpus_dir"]),
        BASE_URL=defaults["base_url"],
        HOST=defaults["host"],             # with BASE_URL and PORT: the Host names answered (security)
        INLINE_FACETS=defaults["inline_facets"],
        TIME_BUDGET=defaults["time_budget"],
        MAX_CONTENT_LENGTH=64 * 1024,
        JSON_AS_ASCII=False,
    )
    app.config.update(config or {})
    app.json.ensure_ascii = False
    app.extensions["reportsearch"] = Searcher(app.config["INDEX_DIR"], app.config.get("REFRESH_SECONDS", 1.0))

    from . import budget, errors, excerpts, export, reading, security, views
    from .citations import web_url

    app.add_template_filter(web_url, "web_url")

    app.register_blueprint(views.bp)
    app.register_blueprint(reading.bp)
    app.register_blueprint(export.bp)
    app.register_blueprint(excerpts.bp)
    errors.register(app)
    security.register(app)
    budget.register(app)
    return app
