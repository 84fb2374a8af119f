"""The web app: a REST API and readable story pages over a newsweave store.

>>> from newsweave.web import create_app   # doctest: +SKIP
>>> app = create_app("sqlite:///news.db", token="s3cret")  # doctest: +SKIP

Run it with :func:`serve` (``newsweave serve``) or any ASGI server.
"""

from newsweave.web.app import create_app
from newsweave.web.server import serve

__all__ = ["create_app", "serve"]
