"""`python -m webapp`: the same as `reportsearch serve`."""
import sys

from indexer.cli import main

sys.exit(main(["serve", *sys.argv[1:]]))
