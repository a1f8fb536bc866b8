"""Print a pip constraints file pinning every direct dependency to the lowest version pyproject.toml allows.

    python3 .ci/lowest_constraints.py test > lowest.txt
    python3 -m pip install -c lowest.txt -e '.[test]'

Every requirement in ``[project].dependencies`` and in the named extras must have a ``>=`` lower
bound: one without is reported and the script exits 1, so a dependency cannot be added untested.
Extras (``jsonschema[format]``) are dropped, as constraints files take none; environment markers
are kept, so a pin applies exactly where its requirement does.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

REQUIREMENT = re.compile(r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(?P<spec>[^;]*?)\s*(;(?P<marker>.*))?$")


def lowest_pins(pyproject: Path, extras: list[str]) -> tuple[list[str], list[str]]:
    project = tomllib.loads(pyproject.read_text("utf-8"))["project"]
    requirements = list(project.get("dependencies", []))
    for extra in extras:
        requirements += project.get("optional-dependencies", {})[extra]
    pins: dict[str, str] = {}
    problems = []
    for line in requirements:
        match = REQUIREMENT.match(line)
        lower = re.search(r">=\s*([0-9][^,\s]*)", match.group("spec")) if match else None
        if lower is None:
            problems.append(f"{line!r} has no '>=' lower bound")
            continue
        marker = f"; {match.group('marker').strip()}" if match.group("marker") else ""
        pins[f"{match.group('name').lower()}{marker}"] = f"{match.group('name')}=={lower.group(1)}{marker}"
    return sorted(pins.values(), key=str.lower), problems


def main(argv: list[str]) -> int:
    pins, problems = lowest_pins(Path(__file__).resolve().parent.parent / "pyproject.toml", argv)
    for problem in problems:
        print(f"lowest_constraints: {problem}", file=sys.stderr)
    print("\n".join(pins))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
