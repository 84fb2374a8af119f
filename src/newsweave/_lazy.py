"""Package exports imported on first use, so that importing one stage does not load
every other stage's models and libraries."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_exports(
    package: str, exports: Mapping[str, str], namespace: dict[str, Any]
) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package`` that imports ``exports`` (name -> module)
    on first use and keeps each in ``namespace`` (the package's ``globals()``)."""

    def get(name: str) -> Any:
        if name in exports:
            value = getattr(import_module(exports[name]), name)
            namespace[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return get
