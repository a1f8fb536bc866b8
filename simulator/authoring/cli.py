"""``apisim contract import openapi SPEC -o DIR`` and ``apisim contract draft DOC -o DIR``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_commands(subparsers: Any) -> None:
    contract = subparsers.add_parser("contract", help="author a contract: import an OpenAPI file, draft one from a "
                                                      "vendor document")
    actions = contract.add_subparsers(dest="action", required=True)

    importer = actions.add_parser("import", help="import a contract from another format")
    formats = importer.add_subparsers(dest="format", required=True)
    openapi = formats.add_parser("openapi", help="OpenAPI 3.0 or 3.1, JSON or YAML",
                                 description="Write the contract an OpenAPI 3.0/3.1 document describes into DIR "
                                             "(<service>.json, and <service>.import-report.md with what could not "
                                             "be carried over).")
    openapi.add_argument("spec", metavar="SPEC", help="the OpenAPI document (.json, .yaml or .yml)")
    _output_options(openapi)
    openapi.set_defaults(handler=run_import)

    draft = actions.add_parser("draft", help="draft a contract from a vendor document (Markdown or text)",
                               description="Draft a contract from a vendor API document: operations from its URL and "
                                           "method sections, schemas from its parameter tables and examples, the "
                                           "error catalogue from its code tables. Writes <service>.json and "
                                           "<service>.draft-report.md (what a person must finish, with line numbers).")
    draft.add_argument("document", metavar="DOC", help="the vendor document (.md or .txt, UTF-8)")
    _output_options(draft)
    draft.add_argument("--compare", metavar="CONTRACT",
                       help="also measure the draft against a finished contract (a file, or a shipped service's "
                            "name): the share of operations, fields and codes it gets right")
    draft.set_defaults(handler=run_draft)


def _output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", required=True, metavar="DIR",
                        help="folder to write into (a contracts folder: `apisim contracts --contracts-dir DIR`)")
    parser.add_argument("--service", metavar="NAME", help="service name (default: from the document's title)")
    parser.add_argument("--port-block", type=int, metavar="N",
                        help="ports of its deployments: port_base + 10*N + i (default: the lowest free block)")
    parser.add_argument("--force", action="store_true", help="replace DIR/<service>.json if it exists")


def run_import(args: argparse.Namespace) -> int:
    from simulator.authoring.openapi import import_openapi

    code, _ = _run("apisim contract import openapi", args, lambda service, block: import_openapi(
        args.spec, service=service, port_block=block), kind="import")
    return code


def run_draft(args: argparse.Namespace) -> int:
    from simulator.authoring.draft import draft_contract

    code, written = _run("apisim contract draft", args, lambda service, block: draft_contract(
        args.document, service=service, port_block=block), kind="draft")
    if written is not None and args.compare:
        return _compare(written, args)
    return code


def _run(command: str, args: argparse.Namespace, build: Any, kind: str) -> tuple[int, Path | None]:
    """Build the contract, write it and its report; (exit code, the contract file written)."""
    from simulator.authoring.naming import service_slug
    from simulator.authoring.output import free_port_block, write_contract
    from simulator.core.errors import ContractError

    try:
        service = service_slug(args.service) if args.service else None
        result = build(service, args.port_block if args.port_block is not None else 0)
        contract = result.contract
        if args.port_block is None:
            contract["port_block"] = free_port_block(Path(args.output), contract["service"])
        elif not 0 <= args.port_block <= 99:
            raise ValueError(f"--port-block {args.port_block}: pick a block between 0 and 99")
        written = write_contract(contract, args.output, result.report(), kind, force=args.force)
    except ContractError as exc:
        print(f"{command}: the written contract does not load ({exc}); this is a bug in apisim, please report "
              "it with the input document", file=sys.stderr)
        return 1, None
    except (ValueError, OSError) as exc:
        print(f"{command}: {exc}", file=sys.stderr)
        return 2, None
    ops, codes = len(contract["operations"]), len(contract["errors"])
    print(f"wrote {written.contract} ({ops} operations, {codes} error codes, port block {contract['port_block']})")
    print(f"wrote {written.report} ({len(result.notes)} notes to read)")
    print(f"check it: apisim contracts --contracts-dir {args.output}")
    return 0, written.contract


def _compare(draft: Path, args: argparse.Namespace) -> int:
    from simulator.authoring.measure import measure_files

    from simulator.contracts.loader import contracts_dir

    finished = Path(args.compare)
    for shipped in (contracts_dir() / args.compare, contracts_dir() / f"{args.compare}.json"):  # a folder, or a file
        if not finished.exists() and shipped.exists():
            finished = shipped
    try:
        figures = measure_files(draft, finished, args.document)
    except (ValueError, OSError) as exc:
        print(f"apisim contract draft --compare: {exc}", file=sys.stderr)
        return 2
    print(figures.table())
    return 0


__all__ = ["add_commands"]
