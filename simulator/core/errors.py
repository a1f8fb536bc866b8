"""Exceptions that travel through the pipeline and end as a documented error."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A documented error of the service: ``code`` is a key of the contract's catalogue.

    ``message`` overrides the catalogue's message (for example to name the JSON
    path that failed); ``data`` carries extra envelope fields a service needs.
    """

    def __init__(self, code: str, message: str | None = None, *, data: Any = None,
                 headers: dict[str, str] | None = None):
        super().__init__(f"{code}: {message or ''}")
        self.code = str(code)
        self.message = message
        self.data = data
        self.headers = headers or {}


class AuthFailure(Exception):
    """An auth scheme refused the request.

    ``kind`` is scheme-neutral (see ``simulator.auth.KINDS``); the contract maps
    each kind to the service's own documented code, so the same scheme code
    serves every service that uses it.
    """

    def __init__(self, kind: str, detail: str = "", *, message: str | None = None):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail
        self.message = message


class ContractError(Exception):
    """A contract file is broken; the message names the file and the JSON path."""
