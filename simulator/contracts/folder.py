"""A contract as a folder: one file per operation, the shared parts once, compiled to one contract.

    contracts/cdc-python/
      contract.json          service, title, source, deployments, credentials, defaults, limits...;
                             "errors": {"$file": "errors.json"}, "$defs": {"$file": "defs.json"},
                             "operations": ["recommend_item", "recommend_index", ...]  (their order)
      errors.json            the error catalogue, in the document's order
      defs.json              the schemas operations refer to (#/$defs/...)
      shared.json            parts several operations use: {"name": value}
      operations/<id>.json   one operation: summary, section, x-doc-lines, request, response, errors, examples

Compiling reads ``contract.json`` and puts each ``{"$file": ...}`` and each listed operation in its
place, then replaces every ``{"$use": "name", ...}`` with the shared part ``name`` (the other keys
merged over it, key by key) and splices a list's ``{"$use": "name"}`` item with a shared list. The
result is the one-file contract the meta-schema describes: the loader checks and serves it exactly
as it would the single file (``apisim contracts``, the OpenAPI export and the pipeline cannot tell).
A single ``<service>.json`` stays a contract too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from simulator.core.errors import ContractError

MANIFEST = "contract.json"
SHARED = "shared.json"
OPERATIONS = "operations"
_MAX_NESTING = 16


def is_contract_folder(path: Path) -> bool:
    return path.is_dir() and (path / MANIFEST).is_file()


def folder_version(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """What changes when any file of the folder does (the loader's cache key)."""
    return tuple(sorted((str(p.relative_to(folder)), p.stat().st_mtime_ns, p.stat().st_size)
                        for p in folder.rglob("*.json")))


def compile_folder(folder: Path) -> dict[str, Any]:
    """The contract a folder holds, as one JSON object (raises :class:`ContractError` naming the file)."""
    manifest = _read(folder, MANIFEST)
    if not isinstance(manifest, dict):
        raise ContractError(f"{_name(folder, MANIFEST)}: a JSON object (the contract, with its parts in files)")
    shared = _read(folder, SHARED) if (folder / SHARED).is_file() else {}
    if not isinstance(shared, dict):
        raise ContractError(f"{_name(folder, SHARED)}: a JSON object of part name to part")
    raw: dict[str, Any] = {}
    for key, value in manifest.items():
        if key == "operations":
            raw[key] = _operations(folder, value)
        elif isinstance(value, dict) and set(value) == {"$file"}:
            raw[key] = _read(folder, str(value["$file"]))
        else:
            raw[key] = value
    return _expand(raw, shared, folder, [], 0)


def _operations(folder: Path, order: Any) -> dict[str, Any]:
    where = _name(folder, MANIFEST)
    if not isinstance(order, list) or not all(isinstance(op_id, str) for op_id in order):
        raise ContractError(f"{where}: $.operations: the operation ids in order, each one a file "
                            f"{OPERATIONS}/<id>.json")
    present = {p.stem for p in (folder / OPERATIONS).glob("*.json")} if (folder / OPERATIONS).is_dir() else set()
    unlisted = sorted(present - set(order))
    if unlisted:
        raise ContractError(f"{where}: $.operations does not list {', '.join(unlisted)} "
                            f"(in {OPERATIONS}/): list them, or remove their files")
    return {op_id: _read(folder, f"{OPERATIONS}/{op_id}.json") for op_id in order}


def _expand(node: Any, shared: dict[str, Any], folder: Path, path: list[object], depth: int) -> Any:
    if depth > _MAX_NESTING:
        raise ContractError(f"{_name(folder, SHARED)}: shared parts use each other too deeply (a loop?)")
    if isinstance(node, dict):
        if "$use" in node:
            part = _part(node["$use"], shared, folder, path)
            rest = {k: v for k, v in node.items() if k != "$use"}
            base = _expand(part, shared, folder, path, depth + 1)
            if not rest:
                return base
            if not isinstance(base, dict):
                raise ContractError(f"{_name(folder, SHARED)}: {node['$use']!r} is not an object, so nothing can be "
                                    f"merged over it (at {_json_path(path)})")
            return _merge(base, _expand(rest, shared, folder, path, depth))
        return {k: _expand(v, shared, folder, [*path, k], depth) for k, v in node.items()}
    if isinstance(node, list):
        out: list[Any] = []
        for index, item in enumerate(node):
            if isinstance(item, dict) and set(item) == {"$use"}:
                part = _expand(_part(item["$use"], shared, folder, path), shared, folder, path, depth + 1)
                if isinstance(part, list):
                    out.extend(part)  # a shared list is spliced in place
                    continue
                out.append(part)
            else:
                out.append(_expand(item, shared, folder, [*path, index], depth))
        return out
    return node


def _part(name: Any, shared: dict[str, Any], folder: Path, path: list[object]) -> Any:
    if not isinstance(name, str) or name not in shared:
        raise ContractError(f"{folder.name}: {_json_path(path)}: $use {name!r} names no part of {SHARED} "
                            f"(its parts: {', '.join(shared) or 'none'})")
    return shared[name]


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over`` merged into ``base``: objects key by key (base's order, new keys after), anything else replaced."""
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(out[key], value) if isinstance(out.get(key), dict) and isinstance(value, dict) else value
    return out


def _read(folder: Path, relative: str) -> Any:
    path = folder / relative
    if path.resolve().parent != folder.resolve() and folder.resolve() not in path.resolve().parents:
        raise ContractError(f"{folder.name}: {relative!r} is outside the contract's folder")
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ContractError(f"{_name(folder, relative)}: no such file") from None
    except json.JSONDecodeError as exc:
        raise ContractError(f"{_name(folder, relative)}: not valid JSON (line {exc.lineno}, column {exc.colno}): "
                            f"{exc.msg}") from exc


def _name(folder: Path, relative: str) -> str:
    return f"{folder.name}/{relative}"


def _json_path(parts: list[object]) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def file_of(folder: Path, manifest: dict[str, Any], path: list[object]) -> str:
    """The file of a folder contract that holds the compiled contract's JSON path (for error messages)."""
    if len(path) >= 2 and path[0] == "operations":
        return _name(folder, f"{OPERATIONS}/{path[1]}.json")
    if path and isinstance(manifest.get(path[0]), dict) and set(manifest[path[0]]) == {"$file"}:
        return _name(folder, str(manifest[path[0]]["$file"]))
    return _name(folder, MANIFEST)


def write_folder(raw: dict[str, Any], folder: Path, *, files: tuple[str, ...] = ("errors", "$defs"),
                 shared: dict[str, Any] | None = None) -> list[Path]:
    """Write ``raw`` (a one-file contract, ``$use`` parts already put in) as a folder; the files written.

    ``files`` names the top-level parts that get a file of their own; every operation does.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    manifest: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "operations":
            manifest[key] = list(value)
            for op_id, op in value.items():
                written.append(_write(folder / OPERATIONS / f"{op_id}.json", op))
        elif key in files:
            name = "defs.json" if key == "$defs" else f"{key}.json"
            manifest[key] = {"$file": name}
            written.append(_write(folder / name, value))
        else:
            manifest[key] = value
    if shared:
        written.append(_write(folder / SHARED, shared))
    written.insert(0, _write(folder / MANIFEST, manifest))
    return written


def _write(path: Path, value: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return path
