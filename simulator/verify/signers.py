"""Signing what ``apisim verify`` sends, with the contract's auth schemes.

Every scheme signs with its own class (:class:`simulator.auth.base.AuthScheme`: ``fits``,
``sign``, ``tamper``, ``strip``, ``client_params``), the code the simulator verifies with: there is
no second implementation of any signature here. This module only picks the scheme and
credential an operation is signed with, and strips every bound scheme's carriers from a request
(so a generated header or an example's placeholder token never competes with the real signature).

Time and nonces come from a :class:`~simulator.auth.base.SigningEnv`, never from the clock or an
unseeded source behind the caller's back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.auth import AuthScheme, SigningEnv, discover_schemes
from simulator.core import SimRequest

__all__ = ["Signing", "SigningEnv", "choose", "client_params", "strip_all"]

Credential = dict[str, Any]


@dataclass
class Signing:
    """One scheme and credential to sign an operation's requests with."""

    scheme: AuthScheme
    credential: Credential
    env: SigningEnv
    options: dict[str, Any] | None = None

    def sign(self, request: SimRequest) -> SimRequest:
        return self.scheme.sign(request, self.credential, self.env, self.options)

    def tamper(self, request: SimRequest) -> SimRequest:
        """Signed so that no server can accept it (failure kind ``scheme.tamper_kind``)."""
        return self.scheme.tamper(request, self.credential, self.env, self.options)


def choose(schemes: list[str], credentials: list[Credential], env: SigningEnv,
           options: dict[str, Any] | None = None) -> Signing | None:
    """The first scheme of the binding (in its order) that one of the credentials can sign with."""
    known = discover_schemes()
    for name in schemes:
        scheme = known.get(name)
        if scheme is None:
            continue
        for credential in credentials:
            if scheme.fits(credential):
                return Signing(scheme, credential, env, options)
    return None


def strip_all(request: SimRequest, schemes: list[str], options: dict[str, Any] | None = None) -> SimRequest:
    """Remove every carrier of every scheme bound to the operation."""
    known = discover_schemes()
    for name in schemes:
        if name in known:
            known[name].strip(request, options)
    return request


def client_params(schemes: list[str]) -> dict[str, str]:
    """What the bound schemes' clients send with every request (e.g. Aliyun RPC's ``Format=JSON``)."""
    known = discover_schemes()
    out: dict[str, str] = {}
    for name in schemes:
        if name in known:
            out.update(known[name].client_params)
    return out
