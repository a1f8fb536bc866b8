"""Load contract files, check them against the meta-schema and against themselves."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

from simulator.core.errors import ContractError
from simulator.resources import data_dir
from simulator.contracts.folder import MANIFEST, compile_folder, file_of, folder_version, is_contract_folder
from simulator.contracts.model import Contract
from simulator.contracts.refs import ref_name

META_SCHEMA_FILE = "contract.schema.json"


def contracts_dir() -> Path:
    """Where the shipped contracts are: the repo's ``contracts/``, installed as ``simulator.contracts_data``."""
    return data_dir("simulator.contracts_data", "contracts")


@lru_cache(maxsize=1)
def _meta_validator() -> Draft202012Validator:
    meta = json.loads((contracts_dir() / META_SCHEMA_FILE).read_text("utf-8"))
    return Draft202012Validator(meta)


def _json_path(parts: Iterable[object]) -> str:
    path = "$"
    for p in parts:
        path += f"[{p}]" if isinstance(p, int) else f".{p}"
    return path


def contract_paths(directory: Path | str | None = None) -> list[Path]:
    """The contracts in ``directory`` (default: the shipped ones): each ``<service>.json`` file and each
    folder holding a ``contract.json`` (:mod:`simulator.contracts.folder`), in name order."""
    directory = Path(directory) if directory else contracts_dir()
    return sorted(p for p in directory.iterdir()
                  if (p.suffix == ".json" and p.is_file() and p.name != META_SCHEMA_FILE) or is_contract_folder(p))


def read_contract(path: Path | str) -> dict[str, Any]:
    """The contract at ``path`` as one JSON object, unchecked: a file's content, a folder compiled."""
    path = Path(path)
    if path.is_dir():
        return compile_folder(path)
    try:
        return json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise ContractError(f"{path.name}: not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}") from exc


def load_contract(path: Path | str) -> Contract:
    """Load one contract (a file or a folder); a broken one raises :class:`ContractError` naming the
    file and the JSON path.

    Compiled contracts are read-only, so every simulator in a process shares them: a contract is
    parsed, checked and compiled once per version of it on disk (tests build many simulators).
    """
    path = Path(path).resolve()
    if path.is_dir():
        return _load_contract(path, folder_version(path))
    stat = path.stat()
    return _load_contract(path, (stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=64)
def _load_contract(path: Path, version: tuple) -> Contract:
    raw = read_contract(path)

    def where(parts: Iterable[object]) -> str:
        """The file holding a JSON path of the compiled contract (a folder's operation file, say)."""
        if not path.is_dir():
            return path.name
        manifest = json.loads((path / MANIFEST).read_text("utf-8"))
        return file_of(path, manifest, list(parts))

    errors = sorted(_meta_validator().iter_errors(raw), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        raise ContractError(
            f"{where(first.absolute_path)}: {_json_path(first.absolute_path)}: {first.message}"
            + (f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else "")
        )
    _check_references(raw, path.name)
    try:
        return Contract(raw, str(path), FormatChecker())
    except SchemaError as exc:
        raise ContractError(f"{where(exc.absolute_path)}: {_json_path(exc.absolute_path)}: invalid JSON Schema: "
                            f"{exc.message}") from exc


def _check_references(raw: dict, file: str) -> None:
    """What the meta-schema cannot say: codes and deployments named by operations exist."""
    codes = set(raw["errors"])
    deployments = {d["name"] for d in raw["deployments"]}
    for key in ("validation_errors",):
        for kind, code in raw.get(key, {}).items():
            if code not in codes:
                raise ContractError(f"{file}: $.{key}.{kind}: unknown error code {code!r}")
    too_large = raw.get("limits", {}).get("too_large")
    if too_large is not None and too_large not in codes:
        raise ContractError(f"{file}: $.limits.too_large: unknown error code {too_large!r}")
    for key in ("internal_error", "throttling_error"):
        if raw.get(key) and raw[key] not in codes:
            raise ContractError(f"{file}: $.{key}: unknown error code {raw[key]!r}")

    def check_auth(auth: dict | None, where: str) -> None:
        for kind, code in ((auth or {}).get("errors") or {}).items():
            if code not in codes:
                raise ContractError(f"{file}: {where}.auth.errors.{kind}: unknown error code {code!r}")

    check_auth(raw.get("defaults", {}).get("auth"), "$.defaults")
    for i, dep in enumerate(raw["deployments"]):
        check_auth(dep.get("auth"), f"$.deployments[{i}]")
        for key in ("not_found_error", "throttling_error"):
            if dep.get(key) and dep[key] not in codes:
                raise ContractError(f"{file}: $.deployments[{i}].{key}: unknown error code {dep[key]!r}")
    for op_id, op in raw["operations"].items():
        where = f"$.operations.{op_id}"
        check_auth(op.get("auth"), where)
        for kind, code in op.get("validation_errors", {}).items():
            if code not in codes:
                raise ContractError(f"{file}: {where}.validation_errors.{kind}: unknown error code {code!r}")
        for i, code in enumerate(op.get("errors", [])):
            if code not in codes:
                raise ContractError(f"{file}: {where}.errors[{i}]: unknown error code {code!r}")
        for i, dep in enumerate(op.get("deployments", [])):
            if dep not in deployments:
                raise ContractError(f"{file}: {where}.deployments[{i}]: unknown deployment {dep!r}")
    _check_schema_refs(raw, file)
    _check_schema_extensions(raw, file)


def _check_schema_refs(raw: dict, file: str) -> None:
    """Every ``$ref`` names one of the contract's own ``$defs`` (the only references apisim resolves)."""
    defs = raw.get("$defs", {})

    def walk(node: object, path: list[object]) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref is not None and ref_name(ref, defs) is None:
                raise ContractError(f"{file}: {_json_path(path)}.$ref: {ref!r} is not one of the contract's "
                                    f"$defs (write #/$defs/<name>; defined: {', '.join(defs) or 'none'})")
            for key, value in node.items():
                walk(value, [*path, key])
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, [*path, index])

    walk(raw, [])


# Keywords whose value is a schema, a list of schemas, or a map of names to schemas (JSON Schema 2020-12).
_SUBSCHEMA = ("additionalProperties", "items", "contains", "not", "if", "then", "else", "propertyNames",
              "unevaluatedProperties", "unevaluatedItems", "contentSchema")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas", "$defs")


def _schemas_of(raw: dict) -> Iterator[tuple[list[object], Any]]:
    """Every JSON Schema in a contract, with its path."""
    for name, schema in raw.get("$defs", {}).items():
        yield ["$defs", name], schema
    for op_id, op in raw["operations"].items():
        for part, schema in op.get("request", {}).items():
            if part in ("path_params", "query", "headers", "body", "params"):
                yield ["operations", op_id, "request", part], schema
        response = op["response"]
        if "body" in response:
            yield ["operations", op_id, "response", "body"], response["body"]
        for name, schema in (response.get("headers") or {}).items():
            yield ["operations", op_id, "response", "headers", name], schema
    for code, entry in raw["errors"].items():
        if "x-schema" in entry:
            yield ["errors", code, "x-schema"], entry["x-schema"]


def _check_schema_extensions(raw: dict, file: str) -> None:
    """Inside a JSON Schema, an ``x-`` keyword must be one the meta-schema declares (schema_extensions)."""
    declared = _extensions_validator()

    def walk(node: Any, path: list[object]) -> None:
        if not isinstance(node, dict):
            return
        extensions = {key: value for key, value in node.items() if key.startswith("x-")}
        if extensions:
            error = next(iter(declared.iter_errors(extensions)), None)
            if error is not None:
                known = ", ".join(sorted(declared.schema["properties"]))
                raise ContractError(f"{file}: {_json_path([*path, *error.absolute_path])}: {error.message} "
                                    f"(x- keywords a schema may carry: {known}; contract.schema.json declares them)")
        for key in _SUBSCHEMA:
            if key in node:
                walk(node[key], [*path, key])
        for key in _SUBSCHEMA_LISTS:
            for index, sub in enumerate(node.get(key) or []):
                walk(sub, [*path, key, index])
        for key in _SUBSCHEMA_MAPS:
            for name, sub in (node.get(key) or {}).items():
                walk(sub, [*path, key, name])

    for path, schema in _schemas_of(raw):
        walk(schema, path)


def schema_extension_names() -> frozenset[str]:
    """The ``x-`` keywords a schema inside a contract may carry (the meta-schema declares them)."""
    return frozenset(_extensions_validator().schema["properties"])


@lru_cache(maxsize=1)
def _extensions_validator() -> Draft202012Validator:
    meta = json.loads((contracts_dir() / META_SCHEMA_FILE).read_text("utf-8"))
    return Draft202012Validator(meta["$defs"]["schema_extensions"])


def load_contracts(directory: Path | str | None = None, services: Iterable[str] | None = None, *,
                   with_shipped: bool = False) -> dict[str, Contract]:
    """Every contract in ``directory`` (default: the shipped ones; files and folders), keyed by service name;
    ``with_shipped``: the shipped ones too, a contract in ``directory`` replacing the shipped one of its name."""
    wanted = set(services) if services else None
    loaded: dict[str, Contract] = {}
    for path in contract_paths(directory):
        contract = load_contract(path)
        if contract.service in loaded:
            raise ContractError(f"{path.name}: service {contract.service!r} is also defined in {loaded[contract.service].file}")
        loaded[contract.service] = contract
    if with_shipped and directory:
        shipped = load_contracts()
        loaded = {**{name: c for name, c in shipped.items() if name not in loaded}, **loaded}
    if wanted is None:
        return loaded
    missing = wanted - set(loaded)
    if missing:
        raise ContractError(f"no contract for {', '.join(sorted(missing))}; known: {', '.join(sorted(loaded)) or 'none'}")
    return {name: contract for name, contract in loaded.items() if name in wanted}
