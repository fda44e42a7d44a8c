"""reportsearch's library: indexing Chinese work reports and searching them.

Indexing:  files → readers → clean → reports → paragraphs → analysis → update (Whoosh)
Searching: query → searching → highlight
"""
import os

# numpy's OpenBLAS starts a thread per core when numpy is first imported, which keeps a core busy
# for about 0.1 s: at every start of the command, an indexing run, the server. Nothing here
# multiplies matrices, so one thread does. A setting of the user's own wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"
