"""`python -m webapp`: the same as `reportsearch serve`."""
import sys

from indexer.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
