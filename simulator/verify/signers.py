"""One adapter per auth scheme: a uniform ``sign(request, credential) -> request``.

``apisim verify`` signs what it sends with the contract's auth scheme. Every
adapter calls the scheme module's own signing code (``simulator/auth/*.py``),
the code the simulator verifies with: there is no second implementation of
any signature here. An adapter also knows

- which credentials it can use (``fits``),
- what in a request carries its credentials (``strip`` removes it, so a
  generated header or an example's placeholder token never competes with the
  real signature), and
- how to break a signed request (``tamper``): a wrong signature for the
  signing schemes, an unknown key or token for the token schemes, with the
  scheme-neutral failure kind the server should report.

Time and nonces come from a :class:`SigningEnv`, never from the clock or an
unseeded source behind the caller's back.
"""

from __future__ import annotations

import base64
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from simulator.auth import aicp_token, aliyun_rpc, appcode, cdc_token, dataplus, huawei_aksk, huawei_token
from simulator.core import SimRequest
from simulator.core.http import Headers

Credential = dict[str, Any]


@dataclass
class SigningEnv:
    """The instant requests are signed at, and the seeded source of nonces and made-up keys."""

    clock: Callable[[], datetime]
    rng: random.Random = field(default_factory=lambda: random.Random(0))

    def nonce(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def hex(self, length: int) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(length))


class Signer:
    """Base adapter: subclasses name their scheme, credential fields and carriers."""

    scheme = ""
    needs: tuple[str, ...] = ()  # credential fields the scheme signs with
    carrier_headers: tuple[str, ...] = ()
    carrier_query: tuple[str, ...] = ()
    tamper_kind = "bad_signature"
    # Parameters the scheme's own clients always send, credentials or not (not credentials themselves).
    client_params: dict[str, str] = {}

    def __init__(self, env: SigningEnv):
        self.env = env

    def fits(self, credential: Credential) -> bool:
        return all(credential.get(name) for name in self.needs)

    def strip(self, request: SimRequest) -> SimRequest:
        """``request`` without anything this scheme reads credentials from."""
        drop = {name.lower() for name in self.carrier_headers}
        request.headers = Headers([(k, v) for k, v in request.headers.items() if k.lower() not in drop])
        if self.carrier_query:
            set_query(request, [(k, v) for k, v in request.query if k not in self.carrier_query])
        return request

    def sign(self, request: SimRequest, credential: Credential) -> SimRequest:
        raise NotImplementedError

    def tamper(self, request: SimRequest, credential: Credential) -> SimRequest:
        """A request signed with ``credential`` whose signature no server can accept."""
        raise NotImplementedError


class HuaweiAkskSigner(Signer):
    scheme = huawei_aksk.SCHEME
    needs = ("ak", "sk")
    carrier_headers = ("Authorization", "X-Sdk-Date", "X-Auth-Token")

    def sign(self, request: SimRequest, credential: Credential) -> SimRequest:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("authorization", "x-sdk-date")}
        headers.setdefault("Host", request.host)
        sdk_date = self.env.clock().strftime(huawei_aksk.DATE_FORMAT)
        signed = huawei_aksk.sign(request.method, request.path, request.query, headers, request.body,
                                  credential["ak"], credential["sk"], sdk_date)
        request.headers = Headers(signed)
        return request

    def tamper(self, request: SimRequest, credential: Credential) -> SimRequest:
        self.sign(request, credential)
        request.headers["Authorization"] = _flip_last(request.headers["Authorization"], "0123456789abcdef")
        return request


class HuaweiTokenSigner(Signer):
    scheme = huawei_token.SCHEME
    needs = ("token",)
    carrier_headers = ("X-Auth-Token", "Authorization", "X-Sdk-Date")
    tamper_kind = "unknown_key"

    def fits(self, credential: Credential) -> bool:
        return str(credential.get("token", "")).startswith("MII")

    def sign(self, request: SimRequest, credential: Credential) -> SimRequest:
        request.headers["X-Auth-Token"] = credential["token"]
        return request

    def tamper(self, request: SimRequest, credential: Credential) -> SimRequest:
        # Well formed (IAM tokens start MII and are long), issued by nobody.
        request.headers["X-Auth-Token"] = "MII" + base64.b64encode(self.env.hex(96).encode()).decode().rstrip("=")
        return request


class AliyunRpcSigner(Signer):
    scheme = aliyun_rpc.SCHEME
    needs = ("AccessKeyId", "AccessKeySecret")
    carrier_query = ("AccessKeyId", "Signature", "SignatureMethod", "SignatureVersion", "SignatureNonce",
                     "SignatureType", "Timestamp")
    carrier_headers = ("Authorization",)
    # The SDK asks for JSON; without it the gateway answers XML, which no JSON Schema describes.
    client_params = {"Format": "JSON"}

    def sign(self, request: SimRequest, credential: Credential) -> SimRequest:
        return aliyun_rpc.sign(request, credential, timestamp=self.env.clock(), nonce=self.env.nonce())

    def tamper(self, request: SimRequest, credential: Credential) -> SimRequest:
        self.sign(request, credential)
        query = [(k, _flip_first(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef") if k == "Signature" else v)
                 for k, v in request.query]
        request.query = query
        request.raw_query = aliyun_rpc.encode_params(dict(query))
        request.__dict__.pop("query_dict", None)
        return request


class AppcodeSigner(Signer):
    scheme = appcode.SCHEME
    needs = ("AppCode",)
    carrier_headers = ("Authorization",)
    tamper_kind = "unknown_key"

    def sign(self, request: SimRequest, credential: Credential) -> SimRequest:
        request.headers = Headers(appcode.sign(dict(request.headers.items()), credential["AppCode"]))
        return request

    def tamper(self, request: SimRequest, credential: Credential) -> SimRequest:
        request.headers = Headers(appcode.sign(dict(request.headers.items()), self.env.hex(32)))
        return request


class DataplusSigner(Signer):
    scheme = dataplus.SCHEME
    needs = ("ak_id", "ak_secret")
    carrier_headers = ("Authorization", "Date")

    def sign(self, request: SimRequest, credential: Credential) -> SimRequest:
        accept = request.headers.get("Accept") or "application/json"
        content_type = request.headers.get("Content-Type") or "application/json"
        signed = dataplus.sign(request.method, request.path, request.body, credential["ak_id"], credential["ak_secret"],
                               dataplus.http_date(self.env.clock()), accept=accept, content_type=content_type)
        for name, value in signed.items():
            request.headers[name] = value
        return request

    def tamper(self, request: SimRequest, credential: Credential) -> SimRequest:
        self.sign(request, credential)
        header = request.headers["Authorization"]
        ak, _, sig = header.rpartition(":")
        request.headers["Authorization"] = f"{ak}:{_flip_first(sig, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')}"
        return request


class CdcTokenSigner(Signer):
    scheme = cdc_token.SCHEME
    needs = ("token",)
    carrier_query = (cdc_token.PARAM,)
    tamper_kind = "unknown_key"

    def fits(self, credential: Credential) -> bool:
        return len(str(credential.get("token", ""))) == cdc_token.TOKEN_LENGTH

    def sign(self, request: SimRequest, credential: Credential) -> SimRequest:
        return self._with_token(request, credential["token"])

    def tamper(self, request: SimRequest, credential: Credential) -> SimRequest:
        return self._with_token(request, self.env.hex(cdc_token.TOKEN_LENGTH))

    @staticmethod
    def _with_token(request: SimRequest, token: str) -> SimRequest:
        url = cdc_token.sign(f"{request.path}?{request.raw_query}", token)
        parts = urlsplit(url)
        set_query(request, parse_qsl(parts.query, keep_blank_values=True))
        return request


class AicpTokenSigner(Signer):
    scheme = aicp_token.SCHEME
    needs = ("token",)
    carrier_headers = (aicp_token.HEADER,)
    tamper_kind = "unknown_key"

    def fits(self, credential: Credential) -> bool:
        return credential.get("scheme") in (None, self.scheme) and aicp_token.is_well_formed(str(credential.get("token", "")))

    def sign(self, request: SimRequest, credential: Credential) -> SimRequest:
        request.headers = Headers(aicp_token.sign(dict(request.headers.items()), credential["token"]))
        return request

    def tamper(self, request: SimRequest, credential: Credential) -> SimRequest:
        unknown = base64.b64encode(bytes(self.env.rng.getrandbits(8) for _ in range(aicp_token.TOKEN_BYTES))).decode()
        request.headers = Headers(aicp_token.sign(dict(request.headers.items()), unknown))
        return request


SIGNERS: dict[str, type[Signer]] = {cls.scheme: cls for cls in (
    HuaweiAkskSigner, HuaweiTokenSigner, AliyunRpcSigner, AppcodeSigner, DataplusSigner, CdcTokenSigner, AicpTokenSigner,
)}


def signer_for(scheme: str, env: SigningEnv) -> Signer:
    try:
        return SIGNERS[scheme](env)
    except KeyError:
        raise LookupError(f"apisim verify cannot sign with scheme {scheme!r}; it knows {', '.join(sorted(SIGNERS))}") from None


def choose(schemes: list[str], credentials: list[Credential], env: SigningEnv) -> tuple[Signer, Credential] | None:
    """The first scheme of the binding (in its order) that one of the credentials can sign with."""
    for scheme in schemes:
        if scheme not in SIGNERS:
            continue
        signer = signer_for(scheme, env)
        for credential in credentials:
            if signer.fits(credential):
                return signer, credential
    return None


def strip_all(request: SimRequest, schemes: list[str], env: SigningEnv) -> SimRequest:
    """Remove every carrier of every scheme bound to the operation."""
    for scheme in schemes:
        if scheme in SIGNERS:
            signer_for(scheme, env).strip(request)
    return request


def client_params(schemes: list[str]) -> dict[str, str]:
    """What the bound schemes' clients send with every request (e.g. Aliyun RPC's ``Format=JSON``)."""
    out: dict[str, str] = {}
    for scheme in schemes:
        if scheme in SIGNERS:
            out.update(SIGNERS[scheme].client_params)
    return out


def set_query(request: SimRequest, query: list[tuple[str, str]]) -> None:
    request.query = list(query)
    request.raw_query = urlencode(query, quote_via=quote)
    request.__dict__.pop("query_dict", None)


def _flip_last(text: str, alphabet: str) -> str:
    """``text`` with its last character replaced by another one of ``alphabet`` (for hex: every bit counts)."""
    if not text:
        return alphabet[0]
    return text[:-1] + _other(text[-1], alphabet)


def _flip_first(text: str, alphabet: str) -> str:
    """``text`` with its first character replaced (base64: the last one may be padding bits only)."""
    if not text:
        return alphabet[0]
    return _other(text[0], alphabet) + text[1:]


def _other(char: str, alphabet: str) -> str:
    return alphabet[(alphabet.find(char) + 1) % len(alphabet)] if char in alphabet else alphabet[0]
