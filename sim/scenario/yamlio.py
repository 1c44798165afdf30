"""Reading scenario YAML safely, keeping the line and column of every value.

Nothing in a scenario is executed: only the plain YAML types are accepted (mappings,
sequences, strings, numbers, booleans, null, dates) and any other tag, ``!!python/...``
included, is refused. Aliases are allowed but their expansion is bounded, which answers
"billion laughs" documents quickly, and a recursive alias is refused. ``extends:`` variants
are merged here, so every later error can still point at the file and line a value came from.
"""

from __future__ import annotations

import hashlib
import math
import os
import stat
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Location, Problem, ScenarioError, describe_value, display_path
from .limits import FILE_BYTES, SECTIONS

DISTRIBUTIONS = ("normal", "uniform", "triangular", "beta")
MAX_NODES = 100_000
SUFFIXES = (".yaml", ".yml")
PLAIN_TAGS = {
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}


class LocatedDict(dict):
    """A mapping that remembers where it and each of its keys' values stand in a file."""

    loc: Location
    key_locs: dict[str, Location]


class LocatedList(list):
    """A sequence that remembers where it and each of its items stand in a file."""

    loc: Location
    item_locs: list[Location]


def _loc(file: str, node: Node) -> Location:
    mark = node.start_mark
    return Location(file, mark.line + 1, mark.column + 1)


class _Builder:
    """Turns a composed node graph into located plain data, refusing what is not plain."""

    def __init__(self, file: str, yaml: YAML):
        self.file = file
        self.yaml = yaml
        self.count = 0
        self.stack: set[int] = set()

    def fail(self, node: Node, field: str, message: str, got: str | None = None) -> None:
        raise ScenarioError([Problem(_loc(self.file, node), field or "(document)", message, got)])

    def build(self, node: Node, path: str) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            self.fail(
                node,
                path,
                f"the document expands to more than {MAX_NODES:,} values "
                "(an alias bomb?); scenarios are far smaller",
            )
        if node.tag not in PLAIN_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            self.fail(node, path, "only plain YAML is allowed; tags are refused", tag)
        if id(node) in self.stack:
            self.fail(node, path, "recursive alias: a value contains itself")
        if isinstance(node, ScalarNode):
            try:
                value = self.yaml.constructor.construct_object(node)
            except (ValueError, OverflowError, YAMLError) as exc:
                self.fail(node, path, f"not a valid {node.tag.rsplit(':', 1)[-1]}: {exc}")
            if isinstance(value, float) and not math.isfinite(value):
                self.fail(node, path, "numbers must be finite", node.value)
            return value
        self.stack.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                out = LocatedList()
                out.loc = _loc(self.file, node)
                out.item_locs = []
                for i, item in enumerate(node.value):
                    out.append(self.build(item, f"{path}[{i}]"))
                    out.item_locs.append(_loc(self.file, item))
                return out
            assert isinstance(node, MappingNode)
            out = LocatedDict()
            out.loc = _loc(self.file, node)
            out.key_locs = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.fail(key_node, path, "merge keys (<<) are not supported; use extends:")
                key = self.build(key_node, path)
                if not isinstance(key, str):
                    self.fail(key_node, path, "keys must be names (text)", describe_value(key))
                sub = f"{path}.{key}" if path else key
                if key in out:
                    self.fail(key_node, sub, f"duplicate key {key!r}")
                out[key] = self.build(value_node, sub)
                empty = isinstance(value_node, ScalarNode) and value_node.value == ""
                # An empty value has the position of the next token: point at its key instead.
                out.key_locs[key] = _loc(self.file, key_node if empty else value_node)
            return out
        finally:
            self.stack.discard(id(node))


def _read_bytes(path: Path, top: Location) -> bytes:
    """The file's bytes, read only if it is a regular file within the size limit.

    Checked before reading, so ``/dev/zero``, a FIFO or a 3 GB file is refused at once.
    """

    def fail(message: str) -> ScenarioError:
        return ScenarioError([Problem(top, "(file)", message)])

    try:
        info = path.stat()
    except FileNotFoundError:
        raise fail("no such file") from None
    except (OSError, ValueError, RuntimeError) as exc:
        raise fail(f"cannot be read: {getattr(exc, 'strerror', None) or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise fail("is a folder, not a scenario file")
    if not stat.S_ISREG(info.st_mode):
        raise fail("is not a regular file (a device, pipe or socket?); scenarios are files")
    limit = FILE_BYTES.value
    if info.st_size > limit:
        raise fail(f"is too large: {FILE_BYTES.exceeded(info.st_size)}")
    try:
        with path.open("rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):  # swapped since the check
                raise fail("is not a regular file; scenarios are files")
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise fail(f"cannot be read: {exc.strerror}") from None
    if len(raw) > limit:  # grew since the check
        raise fail(f"is too large: more than the limit of {limit:,} bytes")
    return raw


def read_yaml(path: Path, sources: list[tuple[str, str]] | None = None) -> LocatedDict:
    """Parse one YAML file into located plain data, or raise ScenarioError with one problem.

    ``sources``, when given, receives the file's name and the sha256 of the bytes parsed.
    """
    file = display_path(path)
    top = Location(file)
    raw = _read_bytes(path, top)
    if sources is not None:
        sources.append((file, hashlib.sha256(raw).hexdigest()))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ScenarioError(
            [
                Problem(
                    Location(file, line, col),
                    "(file)",
                    "is not UTF-8 text (a binary file?)",
                    f"byte 0x{raw[exc.start]:02x}",
                )
            ]
        ) from None
    yaml = YAML(typ="safe", pure=True)
    try:
        _prescan(yaml, text, file)
        node = yaml.compose(text)
    except MarkedYAMLError as exc:
        raise ScenarioError([_syntax_problem(exc, file)]) from None
    except YAMLError as exc:
        raise ScenarioError([_reader_problem(exc, text, file)]) from None
    if node is None:
        raise ScenarioError([Problem(top, "(document)", "the file is empty")])
    data = _Builder(file, yaml).build(node, "")
    if not isinstance(data, LocatedDict):
        # Named by its kind only: the file may not be a scenario at all (a system file named
        # by a hostile extends:), and its contents are not ours to print.
        kind = "a list" if isinstance(data, list) else type(data).__name__.replace("str", "text")
        raise ScenarioError(
            [
                Problem(
                    _loc(file, node),
                    "(document)",
                    "a scenario is a mapping of fields (id, title, issues, actors, meetings...);"
                    f" this file holds {kind}",
                )
            ]
        )
    return data


MAX_DEPTH = 64
_NODE_EVENTS = ("ScalarEvent", "AliasEvent", "MappingStartEvent", "SequenceStartEvent")


def _prescan(yaml: YAML, text: str, file: str) -> None:
    """Refuse, from the parser's events and before building anything, absurd nesting (the
    composer recurses per level), more than MAX_NODES values, and more actors, issues or
    meetings than their limits: a 10,000-actor file stops at the 101st actor."""

    def fail(event: Any, field: str, message: str) -> None:
        mark = event.start_mark
        where = Location(file, mark.line + 1, mark.column + 1)
        raise ScenarioError([Problem(where, field, message)])

    # One frame per open collection: [is_mapping, expecting_a_key, last_key, section, items]
    stack: list[list[Any]] = []
    nodes = 0
    for event in yaml.parse(text):
        name = type(event).__name__
        if name in ("MappingEndEvent", "SequenceEndEvent"):
            stack.pop()
            continue
        if name not in _NODE_EVENTS:
            continue
        nodes += 1
        if nodes > MAX_NODES:
            fail(event, "(document)", f"more than {MAX_NODES:,} values; scenarios are far smaller")
        section = None
        if stack:
            frame = stack[-1]
            if frame[0]:
                if frame[1]:  # a key
                    frame[1], frame[2] = False, getattr(event, "value", None)
                    if name == "ScalarEvent":
                        continue
                else:
                    frame[1] = True
                    section = frame[2] if len(stack) == 1 else None
            elif frame[3] is not None:
                frame[4] += 1
                limit = SECTIONS[frame[3]]
                if frame[4] > limit.value:
                    message = limit.exceeded(frame[4], at_least=True)
                    fail(event, f"{frame[3]}[{frame[4] - 1}]", message)
        if name in ("MappingStartEvent", "SequenceStartEvent"):
            if len(stack) >= MAX_DEPTH:
                fail(event, "(document)", f"nested more than {MAX_DEPTH} levels deep")
            is_seq = name == "SequenceStartEvent"
            counted = section if is_seq and section in SECTIONS else None
            stack.append([not is_seq, True, None, counted, 0])


def _syntax_problem(exc: MarkedYAMLError, file: str) -> Problem:
    """One line for a YAML syntax error: what the parser was doing, what it found, where."""
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    at_end = "end of stream" in problem or "stream end" in problem
    mark = (exc.context_mark if at_end and exc.context_mark else None) or exc.problem_mark
    mark = mark or exc.context_mark
    loc = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
    text = f"{context}, {problem}" if context and problem else (problem or context)
    if "\\t" in text or "'\\t'" in text or "\t" in text:
        text += " (tabs cannot indent YAML; use spaces)"
    return Problem(loc, "(syntax)", f"YAML syntax error: {text or 'invalid YAML'}")


def _reader_problem(exc: YAMLError, text: str, file: str) -> Problem:
    """A character YAML refuses (control characters): point at it."""
    position = getattr(exc, "position", None)
    if isinstance(position, int):
        line = text.count("\n", 0, position) + 1
        col = position - (text.rfind("\n", 0, position) + 1) + 1
        char = getattr(exc, "character", None)
        got = f"character {ord(char):#04x}" if isinstance(char, str) and char else None
        return Problem(
            Location(file, line, col),
            "(syntax)",
            "special characters are not allowed in YAML",
            got,
        )
    message = str(exc).strip().splitlines()[-1] if str(exc).strip() else "invalid YAML"
    return Problem(Location(file), "(syntax)", f"YAML error: {message}")


def _merge(base: Any, over: Any, path: str = "") -> Any:
    """Deep merge: mappings by key, lists of mappings with ``id`` by id, anything else replaced.

    An empty list replaces (so a variant can clear a list); a distribution replaces the number
    or distribution it overrides.
    """
    if isinstance(over, LocatedDict) and len(over) == 1 and next(iter(over)) in DISTRIBUTIONS:
        return over  # a distribution replaces whatever stood there, never merges into it
    if isinstance(base, LocatedDict) and isinstance(over, LocatedDict):
        out = LocatedDict(base)
        out.loc = over.loc
        out.key_locs = dict(base.key_locs)
        for key, value in over.items():
            sub = f"{path}.{key}" if path else key
            out[key] = _merge(base[key], value, sub) if key in base else value
            out.key_locs[key] = over.key_locs[key]
        return out
    if (
        isinstance(base, LocatedList)
        and isinstance(over, LocatedList)
        and over
        and _by_id(base, over)
    ):
        index: dict[str, int] = {}
        for j, item in enumerate(over):
            if item["id"] in index:
                raise ScenarioError(
                    [
                        Problem(
                            over.item_locs[j], f"{path}[{j}].id", "duplicate id", repr(item["id"])
                        )
                    ]
                )
            index[item["id"]] = j
        base_at = {item["id"]: i for i, item in enumerate(base)}
        # A variant that names every item of the base lists them in its own order (an agenda
        # reordered); otherwise the base's order stands and new items come after it.
        if set(base_at) <= set(index):
            order = [("over", j) for j in range(len(over))]
        else:
            order = [("base", i) for i in range(len(base))]
            order += [("over", j) for j, item in enumerate(over) if item["id"] not in base_at]
        out = LocatedList()
        out.loc = over.loc
        out.item_locs = []
        for side, i in order:
            item = base[i] if side == "base" else over[i]
            key = item["id"]
            if key in base_at and key in index:
                item = _merge(base[base_at[key]], over[index[key]], f"{path}[{len(out)}]")
                loc = over.item_locs[index[key]]
            else:
                loc = base.item_locs[i] if side == "base" else over.item_locs[i]
            out.append(item)
            out.item_locs.append(loc)
        return out
    return over


def _by_id(*lists: list) -> bool:
    return all(
        all(isinstance(item, dict) and isinstance(item.get("id"), str) for item in items)
        for items in lists
    )


def _resolve(path: Path) -> Path | None:
    """The real path, or None for one that cannot be (a symbolic link loop, a NUL byte)."""
    try:
        return path.resolve(strict=False)
    except (OSError, RuntimeError, ValueError):
        return None


def read_scenario_data(
    path: Path,
    _chain: tuple[Path, ...] = (),
    sources: list[tuple[str, str]] | None = None,
) -> LocatedDict:
    """Read a scenario file and resolve its ``extends:`` chain (paths relative to each file).

    ``sources`` receives each file read (name, sha256 of its bytes), the top file first.
    """
    data = read_yaml(path, sources)
    parent = data.get("extends")
    if parent is None:
        return data
    where = data.key_locs["extends"]
    if not isinstance(parent, str) or not parent.strip():
        raise ScenarioError(
            [Problem(where, "extends", "must name a scenario file", describe_value(parent))]
        )

    def fail(message: str) -> ScenarioError:
        return ScenarioError([Problem(where, "extends", message, describe_value(parent))])

    if "\0" in parent or any(ord(ch) < 32 for ch in parent):
        raise fail("a file name cannot hold control characters")
    if Path(parent).suffix.lower() not in SUFFIXES:
        raise fail("must name a scenario file ending in .yaml or .yml")
    target = _resolve(path.parent / parent)
    if target is None:
        raise fail("cannot be followed (a loop of symbolic links?)")
    here = _resolve(path) or path
    chain = (*_chain, here)
    if target in chain:
        loop = " -> ".join(display_path(p) for p in (*chain, target))
        raise ScenarioError([Problem(where, "extends", f"extends loop: {loop}")])
    try:
        exists = target.is_file()
    except OSError:
        exists = False
    if not exists:
        raise fail("the scenario it extends does not exist (or is not a file)")
    base = read_scenario_data(target, chain, sources)
    del data["extends"]
    del data.key_locs["extends"]
    merged = _merge(base, data)
    merged.pop("extends", None)
    return merged
