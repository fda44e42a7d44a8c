"""reportsearch's library: indexing Chinese work reports and searching them.

Indexing:  files → readers → clean → reports → paragraphs → analysis → update (Whoosh)
Searching: query → searching → highlight
"""

__version__ = "0.1.0"
