"""A test declares that untagged photos show one person, without tagging them: the marker's
``same_person=`` or ``apisim.declare_same_person(...)``, under the live fixture and the in-process
ones alike, forgotten at the next test's reset."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageOps

pytest_plugins = ["pytester"]

ASTRONAUT = Path(__file__).parents[1] / "faces" / "photos" / "astronaut.jpg"

# Two photos of Eileen Collins that the face model tells apart (a photo and its mirror image: another
# photo, far from the first by difference hash), compared by AICP's face/couple (no auth to sign).
COMPARES = '''
import base64
from pathlib import Path

import httpx
import pytest

A, B = Path("a.jpg"), Path("b.jpg")

def one_person(base_url):
    body = {"imageA": base64.b64encode(A.read_bytes()).decode(), "imageB": base64.b64encode(B.read_bytes()).decode()}
    return httpx.post(base_url + "/face/couple", json=body).json()["data"]["onePerson"]

def test_two_photos_are_two_people_unless_declared(apisim):
    assert one_person(apisim.base_url("aicp", "new-api")) == "false"

@pytest.mark.apisim(same_person=[["a.jpg", "b.jpg"]])
def test_the_marker_declares_them_for_the_live_fixture(apisim):
    assert one_person(apisim.base_url("aicp", "new-api")) == "true"

@pytest.mark.apisim(same_person=[[A.read_bytes(), base64.b64encode(B.read_bytes()).decode()]])
def test_the_marker_takes_bytes_and_base64_for_respx(apisim_respx):
    assert one_person(apisim_respx.original_url("aicp", "new-api")) == "true"

def test_the_method_declares_them_mid_test_in_process(apisim_inprocess):
    url = apisim_inprocess.original_url("aicp", "new-api")
    assert one_person(url) == "false"   # whatever ran before, this test started from a reset
    assert apisim_inprocess.declare_same_person([A, B], person="eileen", gender="f") == "eileen"
    assert one_person(url) == "true"
'''


@pytest.fixture
def two_photos(pytester) -> None:
    """a.jpg and b.jpg in the pytester folder: one photo and its mirror image, as JPEG."""
    photo = Image.open(ASTRONAUT).convert("RGB")
    for name, picture in (("a.jpg", photo), ("b.jpg", ImageOps.mirror(photo))):
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=90)
        (pytester.path / name).write_bytes(out.getvalue())


def test_two_photos_compare_as_one_person_only_when_declared(pytester, two_photos):
    pytester.makepyfile(test_faces=COMPARES)
    pytester.runpytest_inprocess("-p", "no:randomly").assert_outcomes(passed=4)


@pytest.mark.parametrize("marked, message", [
    ('[["missing.jpg"]]', "*same_person=...): 'missing.jpg': neither a file nor base64 image text*"),
    ('["a.jpg"]', "*same_person=...): same_person= takes a list of groups*"),
    ('[[b"not an image"]]', "*same_person=...): the bytes: *"),
])
def test_a_bad_declaration_is_a_usage_error_saying_what_it_takes(pytester, two_photos, marked, message):
    pytester.makepyfile(test_faces=f'''
import pytest

@pytest.mark.apisim(same_person={marked})
def test_x(apisim_respx):
    pass
''')
    pytester.runpytest_inprocess().stdout.fnmatch_lines([message])
