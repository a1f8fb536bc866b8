"""The auth scheme interface: one class per vendor scheme, used by every caller.

A scheme verifies a request (the pipeline's authenticate stage), signs one and breaks one on
purpose (``apisim verify``, tests), removes its own credentials from one (``strip``), names the
credential a verified caller used (``credential_id``: rate limits count per credential) and
describes itself to OpenAPI (``openapi_security``). Each ``simulator/auth/<scheme>.py`` module
keeps its vendor-specific signing helpers and exports one instance as ``AUTH_SCHEME``; the schemes
are discovered (``simulator.auth.discover_schemes``).

``options`` is the contract binding's ``auth.options`` (an AICP capability, Aliyun's required
parameters, an API key's carriers); a scheme that does not read them ignores them.
"""

from __future__ import annotations

import random
import sys
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, ClassVar
from urllib.parse import quote, urlencode

from simulator.core import SimRequest
from simulator.core.http import Headers
from simulator.store import ServiceStore
from simulator.store.buckets import TimeBuckets

Credential = dict[str, Any]
Options = dict[str, Any]


@dataclass
class AuthEnv:
    """What a scheme may consult while verifying: the service's credentials, the clock, state."""

    credentials: list[dict[str, Any]]
    clock: Callable[[], datetime]
    store: ServiceStore
    options: dict[str, Any] = field(default_factory=dict)
    service: str = ""
    params: dict[str, Any] = field(default_factory=dict)  # the service's parameter view (Aliyun RPC reads it)
    seed: int = 0  # the simulator seed: what IAM's sealed tokens are sealed with

    # The wall clock, when signatures made with it are accepted beside the simulator's clock (a test
    # simulator whose clock is fixed, while the official SDKs sign with the wall clock); None: never.
    wall_clock: Callable[[], datetime] | None = None

    def nearest_now(self, signed_at: datetime) -> datetime:
        """The server time a signing instant is judged against: the simulator's clock, or the wall
        clock when that is accepted too, whichever is nearer. Answers still use ``clock`` only."""
        now = self.clock()
        if self.wall_clock is None:
            return now
        wall = self.wall_clock()
        return wall if abs(wall - signed_at) < abs(now - signed_at) else now

    def remember_nonce(self, nonce: str, scope: str = "nonce", signed_at: datetime | None = None,
                       window: timedelta | None = None) -> bool:
        """True the first time a nonce is seen, False on a replay (atomic across threads and workers).

        With ``signed_at`` and ``window`` (the skew the timestamp is allowed), a nonce is remembered
        only as long as its timestamp could be accepted: past that a replay is refused for its
        timestamp anyway. Nonces are kept by the period of ``window`` they were signed in
        (:class:`~simulator.store.buckets.TimeBuckets`). The timestamps a server accepts now span
        three periods: a nonce is refused when its own period holds it already (``add_if_absent``,
        so two workers never both accept one) or one of the other two does (one read of the
        registry says which hold anything). When a new period begins, those that can hold no
        acceptable timestamp are forgotten whole, one store call each, however many nonces they hold."""
        if signed_at is None or window is None:
            return self.store.add_if_absent(f"auth:{scope}", nonce, 1)
        periods = TimeBuckets(self.store, f"auth:{scope}", window.total_seconds())
        own = periods.period(signed_at)
        if not self.store.add_if_absent(periods.namespace(own), nonce, signed_at.timestamp()):
            return False
        known = periods.periods()  # read after our own claim, so a sweep never misses our period
        if own not in known and periods.register(own):  # a new period: the old ones may go
            periods.forget_all_but(self._accepted_periods(periods))
        now = periods.period(self.nearest_now(signed_at))
        # Checked after our own claim: of two workers given one nonce signed in two periods, one
        # sees the other's unless both periods are named at that very moment (a replay proper,
        # the same signed request again, is refused by ``add_if_absent`` alone).
        return not any(self.store.get(periods.namespace(period), nonce) is not None
                       for period in (now - 1, now, now + 1) if period != own and period in known)

    def forget_expired_nonces(self, scope: str, window: timedelta) -> int:
        """Forget the periods of nonces whose timestamps no clock accepts now; how many periods went."""
        periods = TimeBuckets(self.store, f"auth:{scope}", window.total_seconds())
        return periods.forget_all_but(self._accepted_periods(periods))

    def _accepted_periods(self, periods: TimeBuckets) -> set[int]:
        """The periods holding a timestamp within the window of the simulator's clock or the wall
        clock (when that is accepted): the window is one period each side of now."""
        clocks = [self.clock] if self.wall_clock is None else [self.clock, self.wall_clock]
        return {periods.period(clock()) + offset for clock in clocks for offset in (-1, 0, 1)}


@dataclass
class SigningEnv:
    """The instant requests are signed at, and the seeded source of nonces and made-up keys."""

    clock: Callable[[], datetime]
    rng: random.Random = field(default_factory=lambda: random.Random(0))

    def nonce(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def hex(self, length: int) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(length))


class AuthScheme:
    """Subclasses name the scheme, the credential fields it signs with, where a request carries it,
    and implement ``carried_by``, ``verify``, ``sign`` and ``tamper``."""

    name: ClassVar[str] = ""
    credential_fields: ClassVar[tuple[str, ...]] = ()  # what a credential needs for this scheme to sign with it
    id_field: ClassVar[str] = ""  # the identity key naming the credential a caller used
    carrier_headers: ClassVar[tuple[str, ...]] = ()  # what in a request carries the credentials
    carrier_query: ClassVar[tuple[str, ...]] = ()
    openapi_carrier: ClassVar[tuple[str, str]] = ("header", "Authorization")  # (in, name) OpenAPI shows
    tamper_kind: ClassVar[str] = "bad_signature"  # the failure kind a tampered request gets
    # Parameters the scheme's own clients always send, credentials or not (e.g. Aliyun RPC's Format=JSON).
    client_params: ClassVar[dict[str, str]] = {}

    # -- verifying ---------------------------------------------------------------------------------

    def carried_by(self, request: SimRequest, options: Options | None = None) -> bool:
        """Does the request carry this scheme's credentials (well formed or not)?"""
        raise NotImplementedError

    def verify(self, request: SimRequest, env: AuthEnv) -> dict[str, Any]:
        """The caller's identity, or :class:`~simulator.core.AuthFailure` with a scheme-neutral kind."""
        raise NotImplementedError

    def credential_id(self, identity: dict[str, Any]) -> str | None:
        """The key id (or user) a verified caller used, as the request carries it."""
        value = identity.get(self.id_field) if self.id_field else None
        return str(value) if value else None

    # -- signing -----------------------------------------------------------------------------------

    def fits(self, credential: Credential) -> bool:
        """Can this scheme sign with ``credential``?"""
        return all(credential.get(name) for name in self.credential_fields)

    def sign(self, request: SimRequest, credential: Credential, signing: SigningEnv,
             options: Options | None = None) -> SimRequest:
        """``request`` signed with ``credential``, as the vendor's clients sign it."""
        raise NotImplementedError

    def tamper(self, request: SimRequest, credential: Credential, signing: SigningEnv,
               options: Options | None = None) -> SimRequest:
        """A request signed with ``credential`` no server can accept (failure kind ``tamper_kind``)."""
        raise NotImplementedError

    def strip(self, request: SimRequest, options: Options | None = None) -> SimRequest:
        """``request`` without anything this scheme reads credentials from."""
        drop = {name.lower() for name in self.carrier_headers}
        request.headers = Headers([(k, v) for k, v in request.headers.items() if k.lower() not in drop])
        if self.carrier_query:
            set_query(request, [(k, v) for k, v in request.query if k not in self.carrier_query])
        return request

    # -- describing --------------------------------------------------------------------------------

    @property
    def description(self) -> str:
        """How the scheme works, from its module's docstring (so it cannot drift from the code)."""
        module = sys.modules.get(type(self).__module__)
        return ((module.__doc__ if module is not None else None) or f"apisim auth scheme {self.name}").strip()

    def openapi_security(self, options: Options | None = None) -> dict[str, Any]:
        """The scheme as an OpenAPI security scheme: what carries it, and how it is computed in words
        (OpenAPI cannot express request signatures)."""
        where, name = self.openapi_carrier
        return {"type": "apiKey", "in": where, "name": name, "description": self.description}

    def __repr__(self) -> str:
        return f"<AuthScheme {self.name}>"


def set_query(request: SimRequest, query: list[tuple[str, str]]) -> None:
    """Replace a request's query string (and what is derived from it)."""
    request.query = list(query)
    request.raw_query = urlencode(query, quote_via=quote)
    request.__dict__.pop("query_dict", None)


def flip_last(text: str, alphabet: str) -> str:
    """``text`` with its last character replaced by another one of ``alphabet`` (for hex: every bit counts)."""
    if not text:
        return alphabet[0]
    return text[:-1] + _other(text[-1], alphabet)


def flip_first(text: str, alphabet: str) -> str:
    """``text`` with its first character replaced (base64: the last one may be padding bits only)."""
    if not text:
        return alphabet[0]
    return _other(text[0], alphabet) + text[1:]


def _other(char: str, alphabet: str) -> str:
    return alphabet[(alphabet.find(char) + 1) % len(alphabet)] if char in alphabet else alphabet[0]
