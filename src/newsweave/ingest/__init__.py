"""Ingest: turn the paths a user gives into pages, or rejections that say why not.

:func:`read_paths` is the entry point; :func:`page_from_bytes` is shared with
readers of other sources (WARC, RSS, HTTP), so every page is checked and
decoded alike.
"""

from newsweave.ingest.decoding import decode
from newsweave.ingest.discover import discover
from newsweave.ingest.pages import page_from_bytes, sniff_kind
from newsweave.ingest.readers import RAW_KEEP_BYTES, read_file, read_paths

__all__ = [
    "RAW_KEEP_BYTES",
    "decode",
    "discover",
    "page_from_bytes",
    "read_file",
    "read_paths",
    "sniff_kind",
]
