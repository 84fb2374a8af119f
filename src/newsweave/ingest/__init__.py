"""Ingest: turn the paths a user gives into pages, or rejections that say why not.

:func:`read_paths` is the entry point; :func:`page_from_bytes` is shared by
every reader (files, JSON records, WARC, feeds, HTTP fetches), so every page is
checked and decoded alike.
"""

from newsweave.ingest.decoding import decode
from newsweave.ingest.discover import discover
from newsweave.ingest.feeds import looks_like_feed, read_feed
from newsweave.ingest.pages import RAW_KEEP_BYTES, page_from_bytes, rejection_from, sniff_kind
from newsweave.ingest.readers import count_records, inflated_size, read_file, read_paths
from newsweave.ingest.records import page_from_record, read_json
from newsweave.ingest.warc import WarcStats, read_warc

__all__ = [
    "RAW_KEEP_BYTES",
    "WarcStats",
    "count_records",
    "decode",
    "discover",
    "inflated_size",
    "looks_like_feed",
    "page_from_bytes",
    "page_from_record",
    "read_feed",
    "read_file",
    "read_json",
    "read_paths",
    "read_warc",
    "rejection_from",
    "sniff_kind",
]
