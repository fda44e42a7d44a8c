import sys

from indexer.cli import main

sys.exit(main(["serve", *sys.argv[1:]]))
