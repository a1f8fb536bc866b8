"""``apisim export openapi``: a contract's deployments as OpenAPI 3.1 documents."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def add_commands(subparsers: Any) -> None:
    export = subparsers.add_parser("export", help="export contracts in other formats")
    formats = export.add_subparsers(dest="format", required=True)
    p = formats.add_parser("openapi", help="OpenAPI 3.1, one document per deployment",
                           description="Write a contract's deployments as OpenAPI 3.1 documents (Swagger UI, other "
                                       "mock servers, code generators, Schemathesis).")
    p.add_argument("--contract", required=True, metavar="NAME")
    p.add_argument("--deployment", metavar="D", help="only this deployment (default: all)")
    p.add_argument("-o", "--output", metavar="PATH",
                   help="a file for one deployment, a directory for several (<service>.<deployment>.openapi.json); "
                        "default: standard output (one deployment only)")
    p.add_argument("--server-url", metavar="URL", help="the server URL to put in the document (default: apisim's loopback URL)")
    p.add_argument("--contracts-dir", metavar="DIR", help="load contracts from DIR instead of the shipped ones")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from simulator.contracts import load_contracts
    from simulator.openapi.export import openapi_document

    try:
        contract = load_contracts(args.contracts_dir, [args.contract])[args.contract]
        names = [args.deployment] if args.deployment else [d.name for d in contract.deployments]
        for name in names:
            contract.deployment(name)
    except KeyError as exc:
        print(f"apisim export openapi: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    if len(names) > 1 and not args.output:
        print(f"apisim export openapi: {contract.service} has {len(names)} deployments ({', '.join(names)}); "
              "pass --deployment D, or -o DIR for one file each", file=sys.stderr)
        return 2
    if len(names) > 1 and args.server_url:
        print("apisim export openapi: --server-url names one deployment's server; pass --deployment too", file=sys.stderr)
        return 2
    documents = {name: openapi_document(contract, name, server_url=args.server_url, contracts_dir=args.contracts_dir)
                 for name in names}
    if not args.output:
        print(_dump(documents[names[0]]), end="")
        return 0
    out = Path(args.output)
    if len(names) == 1 and out.suffix:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(_dump(documents[names[0]]), "utf-8")
        print(f"wrote {out}")
        return 0
    out.mkdir(parents=True, exist_ok=True)
    for name, document in documents.items():
        path = out / f"{contract.service}.{name}.openapi.json"
        path.write_text(_dump(document), "utf-8")
        print(f"wrote {path}")
    return 0


def _dump(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
