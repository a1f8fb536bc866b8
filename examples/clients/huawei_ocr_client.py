"""An httpx client for Huawei Cloud OCR quota-invoice recognition, as a user would write it.

It knows nothing about apisim: it signs with AK/SK (SDK-HMAC-SHA256, following
Huawei's published algorithm) or sends an IAM token, and turns the service's
``{"error_code", "error_msg"}`` answers into :class:`OcrError`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable
from urllib.parse import quote, urlsplit

import httpx


class OcrError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(f"{code}: {message} (HTTP {status})")
        self.status, self.code, self.message = status, code, message


@dataclass
class QuotaInvoice:
    code: str
    number: str
    amount: str
    location: str


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def fetch_token(iam_url: str, user: str, password: str, domain: str, project: str,
                http: httpx.Client | None = None) -> str:
    """IAM password authentication scoped to a project: the token comes back in X-Subject-Token."""
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "password": password, "domain": {"name": domain}}}},
        "scope": {"project": {"name": project}}}}
    client = http or httpx.Client()
    response = client.post(f"{iam_url}/v3/auth/tokens", json=body)
    if response.status_code != 201:
        error = response.json()
        raise OcrError(response.status_code, error.get("error_code", "?"), error.get("error_msg", response.text))
    return response.headers["X-Subject-Token"]


class HuaweiOcrClient:
    def __init__(self, endpoint: str, project_id: str, *, ak: str | None = None, sk: str | None = None,
                 token: str | None = None, clock: Callable[[], datetime] = _utc_now,
                 http: httpx.Client | None = None, retries: int = 0):
        if token is None and not (ak and sk):
            raise ValueError("give an IAM token or an AK/SK pair")
        self.endpoint = endpoint.rstrip("/")
        self.project_id = project_id
        self.ak, self.sk, self.token = ak, sk, token
        self.clock = clock
        self.http = http or httpx.Client(timeout=10)
        self.retries = retries  # how often a dropped connection or APIGW.0308 (throttled) is tried again

    def recognize_quota_invoice(self, image: bytes | None = None, url: str | None = None) -> QuotaInvoice:
        payload: dict[str, Any] = {"image": base64.b64encode(image).decode()} if image is not None else {"url": url}
        result = self._post(f"/v2/{self.project_id}/ocr/quota-invoice", payload)["result"]
        return QuotaInvoice(code=result["code"], number=result["number"], amount=result["amount"],
                            location=result["location"])

    def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        body = httpx.Request("POST", "http://x", json=payload).content  # httpx's own JSON encoding
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["X-Auth-Token"] = self.token
        else:
            headers = self._sign("POST", path, headers, body)
        for attempt in range(self.retries + 1):
            try:
                response = self.http.post(self.endpoint + path, content=body, headers=headers)
            except httpx.TransportError:
                if attempt == self.retries:
                    raise
                continue
            if not (response.status_code == 429 and attempt < self.retries):
                break
        if response.status_code != 200:
            error = response.json()
            raise OcrError(response.status_code, error.get("error_code", "?"), error.get("error_msg", ""))
        return response.json()

    def _sign(self, method: str, path: str, headers: dict[str, str], body: bytes) -> dict[str, str]:
        """SDK-HMAC-SHA256 over host, content-type and x-sdk-date."""
        signed = {**headers, "Host": urlsplit(self.endpoint).netloc,
                  "X-Sdk-Date": self.clock().strftime("%Y%m%dT%H%M%SZ")}
        names = sorted(k.lower() for k in signed)
        lowered = {k.lower(): v.strip() for k, v in signed.items()}
        uri = "/".join(quote(segment, safe="~") for segment in path.split("/"))
        canonical = "\n".join([method, uri if uri.endswith("/") else uri + "/", "",
                               "".join(f"{n}:{lowered[n]}\n" for n in names), ";".join(names),
                               hashlib.sha256(body).hexdigest()])
        to_sign = "\n".join(["SDK-HMAC-SHA256", signed["X-Sdk-Date"],
                             hashlib.sha256(canonical.encode()).hexdigest()])
        signature = hmac.new(self.sk.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
        signed["Authorization"] = f"SDK-HMAC-SHA256 Access={self.ak}, SignedHeaders={';'.join(names)}, Signature={signature}"
        return signed
