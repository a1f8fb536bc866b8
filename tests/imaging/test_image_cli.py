"""apisim image tag / generate / show."""

from __future__ import annotations

import argparse
import json

import pytest

from simulator.faces.cli import add_commands
from simulator.imaging.decode import inspect_image
from simulator.imaging.fixtures import fixture_images_dir
from simulator.imaging.tags import read_tags


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="apisim")
    add_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(list(argv))
    return args.func(args)


def test_generate_writes_a_tagged_image_in_the_outputs_format(tmp_path):
    out = tmp_path / "pair.jpg"
    assert run("image", "generate", "--faces", "2", "--person", "alice,bob", "-o", str(out)) == 0
    image = inspect_image(out.read_bytes())
    assert image.format == "JPEG"
    assert image.tags == {"faces": "2", "person": "alice,bob"}


def test_tag_merges_into_existing_tags_and_replace_drops_them(tmp_path):
    src = fixture_images_dir() / "alice_1.jpg"
    merged, replaced = tmp_path / "m.jpg", tmp_path / "r.jpg"
    assert run("image", "tag", str(src), "--mask", "1", "-o", str(merged)) == 0
    assert read_tags(merged.read_bytes())["person"] == "alice"
    assert read_tags(merged.read_bytes())["mask"] == "1"
    assert run("image", "tag", str(src), "--replace", "--tag", "faces=0", "-o", str(replaced)) == 0
    assert read_tags(replaced.read_bytes()) == {"faces": "0"}


def test_tag_converts_other_formats_to_the_output_format(tmp_path):
    from PIL import Image

    bmp = tmp_path / "in.bmp"
    Image.new("RGB", (30, 30), (9, 9, 9)).save(bmp)
    out = tmp_path / "out.png"
    assert run("image", "tag", str(bmp), "--faces", "1", "-o", str(out)) == 0
    assert inspect_image(out.read_bytes()).format == "PNG"


def test_tag_refuses_unknown_keys(tmp_path, capsys):
    src = fixture_images_dir() / "alice_1.jpg"
    assert run("image", "tag", str(src), "--tag", "smile=1", "-o", str(tmp_path / "x.jpg")) == 2
    assert "unknown tag key" in capsys.readouterr().err
    assert not (tmp_path / "x.jpg").exists()


def test_show_prints_faces_and_ocr_as_json(capsys):
    assert run("image", "show", str(fixture_images_dir() / "two_faces.png"), "--json") == 0
    seen = json.loads(capsys.readouterr().out)
    assert seen["format"] == "PNG" and [f["person"] for f in seen["faces"]] == ["alice", "bob"]
    assert "landmarks" not in seen["faces"][0]


def test_show_accepts_a_fixture_url(capsys):
    assert run("image", "show", "http://apisim.fixtures/images/quota_invoice.png") == 0
    assert "91024561" in capsys.readouterr().out


@pytest.mark.parametrize("name, error", [("truncated.jpg", "TruncatedImage"), ("not_an_image.txt", "NotAnImage")])
def test_show_reports_the_typed_error_of_a_bad_image(name, error, capsys):
    assert run("image", "show", str(fixture_images_dir() / name)) == 2
    assert error in capsys.readouterr().err
