"""The walls between packages and the size of modules, read from the source (nothing is imported).

Walls: ingest turns files into paragraphs and knows nothing of the index or the web; text knows
nothing of the index; only indexer/engine talks to Whoosh; the library never imports the web app.
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("indexer", "webapp")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

# (the modules under this folder, never import these, nor anything inside them)
WALLS = [
    ("indexer/ingest", ("indexer.engine", "indexer.search", "indexer.update", "whoosh", "flask")),
    ("indexer/text", ("indexer.engine", "indexer.search")),
    ("webapp", ("indexer.engine", "whoosh")),
    ("indexer", ("flask", "webapp")),
]
ENGINE = "indexer/engine"


def modules() -> list[Path]:
    return [path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))]


def where(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def dotted(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    return imports_of(path.read_text(encoding="utf-8"), dotted(path), path.name == "__init__.py")


def imports_of(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module the source imports, anywhere in it (inside functions too), as absolute names;
    ``from a.b import c`` counts as importing a.b.c (which lies inside a.b)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".")
                package = package[:len(package) - node.level + is_package]
                base = ".".join(package + ([base] if base else []))
            names |= {f"{base}.{alias.name}" for alias in node.names}
    return names


def within(name: str, target: str) -> bool:
    return name == target or name.startswith(target + ".")


def crossings(paths, forbidden) -> list[str]:
    """"module imports name" for every import of these modules inside a forbidden package."""
    return [f"{where(path)} imports {name}" for path in paths for name in sorted(imported(path))
            if any(within(name, target) for target in forbidden)]


@pytest.mark.parametrize("folder, forbidden", WALLS, ids=[folder for folder, _ in WALLS])
def test_walls_between_packages(folder, forbidden):
    found = crossings([path for path in modules() if where(path).startswith(folder + "/")], forbidden)
    assert not found, "\n".join(found)


def test_only_the_engine_imports_whoosh():
    found = crossings([path for path in modules() if not where(path).startswith(ENGINE + "/")], ["whoosh"])
    assert not found, "\n".join(found)


def test_the_import_reader_sees_what_python_sees():
    # The walls are only as good as this: absolute, relative and nested imports all count.
    source = "import whoosh\nfrom . import store\nfrom ..text.analysis import segment\n" \
             "def f():\n    from whoosh.writing import CLEAR\n"
    assert imports_of(source, "indexer.engine.batch") == {
        "whoosh", "indexer.engine.store", "indexer.text.analysis.segment", "whoosh.writing.CLEAR"}
    assert imports_of("from . import dedup", "indexer.ingest", is_package=True) == {"indexer.ingest.dedup"}
    assert dotted(ROOT / "indexer" / "engine" / "__init__.py") == "indexer.engine"
    assert within("indexer.engine.store", "indexer.engine") and not within("indexer.engineer", "indexer.engine")


def test_no_module_over_400_lines():
    long = [f"{where(path)}: {n} lines" for path in modules()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES]
    assert not long, "\n".join(long)


def test_no_function_over_60_lines():
    long = []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long.append(f"{where(path)}:{node.lineno} {node.name}(): {n} lines")
    assert not long, "\n".join(long)
