"""``apisim image``: tag an image with content, generate a synthetic one, show what the simulator sees.

It lives with the face model rather than in ``simulator/imaging`` because ``show`` and the tag
checks need the model, which itself builds on imaging (the arrows point one way). The main CLI
(``simulator/cli.py``) calls :func:`add_commands` with its subparsers; every command sets ``handler`` (and its alias ``func``): ``args -> exit code``.

    apisim image tag in.jpg --faces 1 --person alice -o alice.jpg
    apisim image generate --faces 2 --person alice,bob -o pair.png
    apisim image generate --card bank --bank-card 6217003860002354304 -o card.jpg
    apisim image show alice.jpg
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from dataclasses import asdict
from pathlib import Path

from PIL import Image

from simulator.imaging.decode import ImageError, inspect_image
from simulator.imaging.fixtures import FixtureUrls
from simulator.imaging.synth import generate
from simulator.imaging.tags import (CARD_KINDS, VOCABULARY, TagError, check_vocabulary, parse_tags, read_tags,
                                    write_tags)

MAX_SIDE = 4096  # pixels, for generate --size: the largest side the OCR documents accept


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    image = subparsers.add_parser("image", help="tag, generate and inspect test images",
                                  description="Images carry their content as apisim: tags (docs/image-tags.md).")
    commands = image.add_subparsers(dest="image_command", metavar="{tag,generate,show}")
    commands.required = True

    tag = commands.add_parser("tag", help="write apisim: tags into an existing PNG or JPEG")
    tag.add_argument("input", type=Path)
    tag.add_argument("-o", "--output", type=Path, required=True)
    tag.add_argument("--replace", action="store_true", help="drop the image's existing tags instead of merging")
    _add_tag_options(tag)
    tag.set_defaults(func=run_tag, handler=run_tag)

    gen = commands.add_parser("generate", help="draw a small synthetic face or card image carrying the tags")
    gen.add_argument("-o", "--output", type=Path, required=True, help="the format follows the extension (.png/.jpg)")
    gen.add_argument("--size", default="240x180", help=f"WIDTHxHEIGHT in pixels, each 16-{MAX_SIDE} (default 240x180)")
    gen.add_argument("--seed", type=int, default=0, help="drawing seed (colours)")
    _add_tag_options(gen)
    gen.set_defaults(func=run_generate, handler=run_generate)

    show = commands.add_parser("show", help="print what the simulator sees in an image (file or fixture URL)")
    show.add_argument("input", help="a file, or a fixture URL such as http://apisim.fixtures/images/alice_1.jpg")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.add_argument("--landmarks", action="store_true", help="include the 105 landmarks per face")
    show.set_defaults(func=run_show, handler=run_show)


def _add_tag_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("content tags (docs/image-tags.md)")
    for key in VOCABULARY.values():
        group.add_argument(f"--{key.name.replace('_', '-')}", dest=f"tag_{key.name}", metavar="VALUE",
                           help=key.meaning)
    group.add_argument("--tag", action="append", default=[], metavar="KEY=VALUE",
                       help="any vocabulary key, e.g. --tag person=alice (repeatable)")


def _tags_from(args: argparse.Namespace) -> dict[str, str]:
    tags: dict[str, str] = {}
    for item in args.tag:
        tags.update(parse_tags(item))
    for key in VOCABULARY:
        value = getattr(args, f"tag_{key}", None)
        if value is not None:
            tags[key] = value
    check_vocabulary(tags)
    from simulator.faces.model import tag_value_problems  # the values the face model reads

    problems = tag_value_problems(tags)
    if "card" in tags and tags["card"] not in CARD_KINDS:
        problems.append(f"card={tags['card']}: use one of {', '.join(CARD_KINDS)}")
    if problems:
        raise TagError("; ".join(problems))
    return tags


def _size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    if not (width.isdigit() and height.isdigit() and 16 <= int(width) <= MAX_SIDE and 16 <= int(height) <= MAX_SIDE):
        raise TagError(f"--size {text}: use WIDTHxHEIGHT in pixels, each 16-{MAX_SIDE}, e.g. 240x180")
    return int(width), int(height)


def _format_for(path: Path) -> str:
    ext = path.suffix.lower()
    if ext in (".jpg", ".jpeg"):
        return "JPEG"
    if ext == ".png":
        return "PNG"
    raise TagError(f"{path.name}: tags fit PNG and JPEG only; name the output .png or .jpg")


def run_tag(args: argparse.Namespace) -> int:
    try:
        tags = _tags_from(args)
        data = args.input.read_bytes()
        fmt = _format_for(args.output)
        image = inspect_image(data)
        if image.format != fmt:  # e.g. a BMP in, a PNG out: the pixels must be re-encoded once
            out = io.BytesIO()
            Image.open(io.BytesIO(data)).convert("RGB").save(out, fmt)
            data = out.getvalue()
        merged = tags if args.replace else {**read_tags(data), **tags}
        args.output.write_bytes(write_tags(data, merged))
    except (OSError, ImageError, TagError) as exc:
        print(f"apisim image tag: {getattr(exc, 'reason', exc)}", file=sys.stderr)
        return 2
    print(f"{args.output}: apisim: {' '.join(f'{k}={v}' for k, v in merged.items())}")
    return 0


def run_generate(args: argparse.Namespace) -> int:
    try:
        tags = _tags_from(args)
        width, height = _size(args.size)
        data = generate(tags or {"faces": 1}, fmt=_format_for(args.output), width=width, height=height,
                        seed=args.seed)
        args.output.write_bytes(data)
    except (OSError, ValueError, TagError) as exc:
        print(f"apisim image generate: {exc}", file=sys.stderr)
        return 2
    print(f"{args.output}: {len(data)} bytes")
    return 0


def run_show(args: argparse.Namespace) -> int:
    from simulator.faces.ocr import describe  # the face model is heavier; only `show` needs it

    try:
        source = str(args.input)
        urls = FixtureUrls.default()
        data = urls.resolve(source) if "://" in source else Path(source).read_bytes()
        seen = describe(inspect_image(data))
    except (OSError, ImageError) as exc:
        print(f"apisim image show: {type(exc).__name__}: {getattr(exc, 'reason', exc)}", file=sys.stderr)
        return 2
    faces = []
    for face in seen["faces"]:
        item = asdict(face)
        item.pop("embedding")
        if not args.landmarks:
            item.pop("landmarks")
        faces.append(item)
    seen["faces"] = faces
    if args.json:
        print(json.dumps(seen, ensure_ascii=False, indent=2))
        return 0
    print(f"format:  {seen['format']}, {seen['bytes']} bytes, {seen['width']}x{seen['height']} px")
    print(f"tags:    {seen['tags'] or '(none: content from what the pixels show)'}")
    detector = f" (detector: {seen['face_detector']})" if seen["face_detector"] else ""
    print(f"faces:   {len(faces)}{detector}")
    for f in faces:
        print(f"  #{f['index']} person={f['person']} box={list(f['box'])} age={f['age']} gender={f['gender']} "
              f"mask={int(f['mask'])} live={int(f['live'])} expression={f['expression']} glasses={f['glasses']} "
              f"quality={f['quality']}")
    card = seen["card"]
    print(f"card:    {card if card is not None else '(untagged: each OCR service reads its own card kind)'}")
    for kind, content in seen["ocr"].items():
        print(f"  {kind}: {json.dumps(content, ensure_ascii=False)}")
    return 0
