"""The document's own sample clients, run unchanged apart from the URL (and their placeholders).

``samples/`` holds the document's code blocks as printed. The one fix: the OCR
demo's commented ``configure`` block is indented with a mix of tabs and
spaces (a TabError), so its two ``'''`` lines are re-indented; nothing else
changes. The Dataplus demo connects with ``http.client.HTTPSConnection``, so
the face host is served over TLS with a throw-away certificate that the
sample's process trusts through ``SSL_CERT_FILE``.
"""

from __future__ import annotations

import ast
import datetime
import ipaddress
import os
import ssl
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from simulator.app import create_app
from simulator.config import SimulatorConfig
from simulator.imaging.fixtures import fixture_images_dir
from simulator import Simulator
from simulator.server import free_port_base

from .conftest import AK_ID, AK_SECRET, DEMO_APPCODE

SAMPLES = Path(__file__).parent / "samples"
IMAGES = fixture_images_dir()


def _certificate(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "apisim loopback")])
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=3650)).not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """aliyun-market on loopback: the OCR hosts over HTTP, the Dataplus host over HTTPS; the real clock."""
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = _certificate(folder)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert_file, key_file)
    sim = Simulator(SimulatorConfig(services=["aliyun-market"], port_base=free_port_base()))
    app = create_app(simulator=sim)
    running, urls = [], {}
    for dep in sim.contracts["aliyun-market"].deployments:
        port = sim.port_of(dep)
        secure = dep.name == "dataplus-face"
        server = make_server("127.0.0.1", port, app, threaded=True, ssl_context=tls if secure else None)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        running.append(server)
        urls[dep.name] = f"{'https' if secure else 'http'}://127.0.0.1:{port}"
    yield {"urls": urls, "cert": cert_file}
    for server in running:
        server.shutdown()
        server.server_close()


def run(code: str, cert: Path | None = None) -> str:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    if cert is not None:
        env["SSL_CERT_FILE"] = str(cert)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def market_demo(url: str, appcode: str, image: str) -> str:
    code = (SAMPLES / "market_ocr_sample.py.txt").read_text("utf-8")
    code = code.replace("'Your APPCODE'", repr(appcode)).replace("'OCR Url'", repr(url))
    return code.replace("'img Url'", repr(str(IMAGES / image))) + "\ndemo()\n"


def dataplus_demo(url: str, image: str, ak_id: str = AK_ID, verify_with: str | None = None) -> str:
    code = (SAMPLES / "dataplus_sample.py.txt").read_text("utf-8")
    code = code.replace("'Your AccessKey ID'", repr(ak_id)).replace("'Your AccessKey Secret'", repr(AK_SECRET))
    code = code.replace('"local Url"', repr(str(IMAGES / image)))
    code = code.replace("'https://dtplus-cn-shanghai.data.aliyuncs.com/face/xxxxxx'", repr(url))
    if verify_with is not None:
        # The document's verify options block replaces the demo's, reading the two pictures it names.
        start = code.index("    # 根据实际测试需要设置自己的图片URL")
        end = code.index("    body = ''")
        options = (SAMPLES / "dataplus_verify_options.py.txt").read_text("utf-8")
        options = options.replace("'https://dtplus-cn-shanghai.data.aliyuncs.com/face/verify'", repr(url))
        glue = (f"    base64_data1 = base64_data\n"
                f"    with open({str(IMAGES / verify_with)!r}, 'rb') as f:\n"
                f"        base64_data2 = base64.b64encode(f.read())\n")
        code = code[:start] + glue + options + "\n" + code[end:]
    return code + "\ndemo()\n"


def printed_result(stdout: str) -> dict:
    assert stdout.startswith("Result:  "), stdout
    return ast.literal_eval(stdout[len("Result:  "):].strip())


# --- the urllib APPCODE client ------------------------------------------------------------------------


def test_the_market_demo_prints_the_business_card(servers):
    url = servers["urls"]["business-card"] + "/rest/160601/ocr/ocr_business_card.json"
    out = run(market_demo(url, DEMO_APPCODE, "business_card.png"))
    assert '"name": "张伟"' in out and '"success": true' in out


def test_the_market_demo_prints_the_bank_card(servers):
    url = servers["urls"]["bank-card"] + "/rest/160601/ocr/ocr_bank_card.json"
    out = run(market_demo(url, DEMO_APPCODE, "bank_card.jpg"))
    assert '"card_num": "6217003860002354304"' in out


def test_the_market_demo_prints_the_gateways_error_message_from_the_header(servers):
    url = servers["urls"]["bank-card"] + "/rest/160601/ocr/ocr_bank_card.json"
    out = run(market_demo(url, "not-my-appcode", "bank_card.jpg"))
    assert "Http status code:  400" in out
    assert "Error msg in header:  Invalid AppCode `not exists`" in out
    assert "Error msg in body:  b''" in out


# --- the http.client Dataplus client ---------------------------------------------------------------------


def test_the_dataplus_demo_detects_faces_over_https(servers):
    result = printed_result(run(dataplus_demo(servers["urls"]["dataplus-face"] + "/face/detect", "two_faces.png"),
                                servers["cert"]))
    assert result["errno"] == 0 and result["face_num"] == 2 and len(result["landmark"]) == 420


def test_the_dataplus_demo_reads_attributes(servers):
    result = printed_result(run(dataplus_demo(servers["urls"]["dataplus-face"] + "/face/attribute", "bob.jpg"),
                                servers["cert"]))
    assert result["gender"] == [1] and result["age"] == [24] and len(result["dense_fea"]) == 1024


def test_the_dataplus_verify_options_compare_two_pictures(servers):
    url = servers["urls"]["dataplus-face"] + "/face/verify"
    same = printed_result(run(dataplus_demo(url, "alice_1.jpg", verify_with="alice_2.png"), servers["cert"]))
    other = printed_result(run(dataplus_demo(url, "alice_1.jpg", verify_with="bob.jpg"), servers["cert"]))
    assert same["confidence"] > 75 > 61 > other["confidence"]
    assert same["thresholds"] == [61.0, 69.0, 75.0]


def test_the_dataplus_demo_prints_an_errno_error_as_a_result(servers):
    result = printed_result(run(dataplus_demo(servers["urls"]["dataplus-face"] + "/face/detect", "not_an_image.txt"),
                                servers["cert"]))
    assert result["errno"] == 2000 and result["err_msg"] == "图像解码失败"
