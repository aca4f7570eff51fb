"""OncoTree: tumour types with parents and children, so evidence for NSCLC covers LUAD.

Reads the flat table (``*.tumor_types.tsv``: code, name, main_type, tissue, parent, level, …,
history, precursors, revocations) or the nested release JSON (``oncotree_*.json[.gz]``) as
published by cBioPortal. A copy of the 2025-10-03 release ships in
``genomics/data/kb/oncotree/`` (CC BY 4.0, licence beside it) so matching works offline.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from genomics.io.errors import InputError
from genomics.kb.schema import Source

BUNDLED_PATH = (
    Path(__file__).resolve().parent.parent
    / "data"
    / "kb"
    / "oncotree"
    / "oncotree_2025_10_03.tumor_types.tsv"
)
VERSION = "oncotree_2025_10_03"
SOURCE = Source(
    name="OncoTree",
    version=VERSION,
    licence="CC-BY-4.0",
    url="https://github.com/cBioPortal/oncotree (trees/oncotree_2025_10_03.json)",
    research_only=False,
)
ROOT = "TISSUE"


@dataclass(frozen=True)
class TumorType:
    """One OncoTree node. ``former_codes`` are codes this node replaced (history, precursors,
    revocations) so that evidence coded in an older release still resolves."""

    code: str
    name: str
    main_type: str
    tissue: str
    parent: str | None
    level: int
    former_codes: tuple[str, ...] = ()


@dataclass
class OncoTree:
    """The tree: ``nodes`` by code, ``children`` by parent code, ``aliases`` old code → code."""

    version: str
    nodes: dict[str, TumorType]
    children: dict[str, list[str]] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.children:
            for node in self.nodes.values():
                if node.parent:
                    self.children.setdefault(node.parent, []).append(node.code)
        if not self.aliases:
            for node in self.nodes.values():
                for old in node.former_codes:
                    if old not in self.nodes:
                        self.aliases.setdefault(old, node.code)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.resolve(code) is not None

    def resolve(self, code: str | None) -> str | None:
        """The current code for ``code`` (case-insensitive; old codes via history), or None."""
        if not code:
            return None
        value = code.strip().upper()
        if value in self.nodes:
            return value
        return self.aliases.get(value)

    def get(self, code: str) -> TumorType | None:
        resolved = self.resolve(code)
        return self.nodes.get(resolved) if resolved else None

    def ancestors(self, code: str) -> list[str]:
        """Codes from the parent of ``code`` up to the root, nearest first."""
        found: list[str] = []
        node = self.get(code)
        while node is not None and node.parent:
            found.append(node.parent)
            node = self.nodes.get(node.parent)
        return found

    def descendants(self, code: str) -> list[str]:
        """All codes below ``code``, depth first."""
        resolved = self.resolve(code)
        out: list[str] = []
        stack = list(reversed(self.children.get(resolved or "", [])))
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(reversed(self.children.get(current, [])))
        return out

    def is_within(self, code: str, ancestor: str) -> bool:
        """True when ``code`` is ``ancestor`` itself or lies below it (LUAD within NSCLC)."""
        resolved, target = self.resolve(code), self.resolve(ancestor)
        if resolved is None or target is None:
            return False
        return resolved == target or target in self.ancestors(resolved)

    def path(self, code: str) -> list[str]:
        """Codes from the tissue down to ``code`` (root excluded): ``LUNG > NSCLC > LUAD``."""
        resolved = self.resolve(code)
        if resolved is None:
            return []
        return [c for c in reversed(self.ancestors(resolved)) if c != ROOT] + [resolved]


def load(path: Path | str = BUNDLED_PATH) -> tuple[Source, OncoTree]:
    """Read an OncoTree release (flat TSV or nested JSON, optionally gzipped).

    Returns the release's :class:`Source` and the :class:`OncoTree`; raises ``InputError`` on a
    file that is not an OncoTree release.
    """
    path = Path(path)
    version = _version_from_name(path)
    nodes = {node.code: node for node in iter_records(path)}
    if ROOT not in nodes or len(nodes) < 2:
        raise InputError("this is not an OncoTree release (no TISSUE root)", filename=path.name)
    for node in nodes.values():
        if node.parent and node.parent not in nodes:
            raise InputError(
                f"tumour type {node.code} names an unknown parent {node.parent}", filename=path.name
            )
    source = Source(SOURCE.name, version, SOURCE.licence, SOURCE.url, research_only=False)
    return source, OncoTree(version=version, nodes=nodes)


@lru_cache(maxsize=1)
def bundled() -> OncoTree:
    """The OncoTree release shipped with DART, read once per process."""
    return load(BUNDLED_PATH)[1]


def iter_records(path: Path | str) -> Iterator[TumorType]:
    """Stream the nodes of an OncoTree file (TSV or JSON, gzipped or not)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8")
    except (OSError, EOFError, gzip.BadGzipFile, UnicodeDecodeError) as exc:
        raise InputError(f"the OncoTree file cannot be read ({exc})", filename=path.name) from exc
    if text.lstrip().startswith("{"):
        try:
            tree = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"the OncoTree JSON is broken ({exc.msg})", filename=path.name, line=exc.lineno
            ) from exc
        yield from _walk(tree, None, 0, path.name)
        return
    reader = csv.DictReader(io.StringIO(text), delimiter="\t")
    needed = {"code", "name", "parent", "level"}
    if not reader.fieldnames or not needed <= set(reader.fieldnames):
        raise InputError(
            "the OncoTree table needs the columns code, name, parent and level",
            filename=path.name,
            line=1,
        )
    for row in reader:
        try:
            level = int(row["level"])
        except (TypeError, ValueError) as exc:
            raise InputError(
                f"level {row.get('level')!r} is not a number",
                filename=path.name,
                line=reader.line_num,
            ) from exc
        if not row["code"]:
            raise InputError("a tumour type has no code", filename=path.name, line=reader.line_num)
        former = ",".join(row.get(k) or "" for k in ("history", "precursors", "revocations"))
        yield TumorType(
            code=row["code"].strip(),
            name=row["name"],
            main_type=row.get("main_type") or "",
            tissue=row.get("tissue") or "",
            parent=(row["parent"] or "").strip() or None,
            level=level,
            former_codes=tuple(c.strip() for c in former.split(",") if c.strip()),
        )


def _walk(
    node: dict[str, Any], parent: str | None, level: int, filename: str
) -> Iterator[TumorType]:
    if isinstance(node, dict) and "code" not in node and len(node) == 1:
        (node,) = node.values()  # the release wraps the root: {"TISSUE": {...}}
    if not isinstance(node, dict) or "code" not in node:
        raise InputError("the OncoTree JSON has a node without a code", filename=filename)
    former = [*node.get("history", []), *node.get("precursors", []), *node.get("revocations", [])]
    yield TumorType(
        code=node["code"],
        name=node.get("name") or "",
        main_type=node.get("mainType") or "",
        tissue=node.get("tissue") or "",
        parent=parent,
        level=int(node.get("level", level)),
        former_codes=tuple(former),
    )
    for child in (node.get("children") or {}).values():
        yield from _walk(child, node["code"], level + 1, filename)


def _version_from_name(path: Path) -> str:
    stem = path.name.split(".")[0]
    return stem if stem.startswith("oncotree_") else VERSION
