"""``apisim contract import openapi SPEC -o DIR``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_commands(subparsers: Any) -> None:
    contract = subparsers.add_parser("contract", help="author a contract: import an OpenAPI document")
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


__all__ = ["add_commands"]
