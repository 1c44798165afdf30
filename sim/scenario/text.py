"""Text from scenario and results files is data, never instructions to a terminal or a reader.

``printable`` is the one helper every console output of such text goes through: control
characters (an ESC starting a terminal sequence, a carriage return overwriting a line) and
the bidirectional overrides that reorder what a reader sees are shown as escapes, ``\\x1b``.
Rich markup is never interpreted because the command line's consoles have markup off and
tables hold ``rich.text.Text``. ``name_key`` is how names are compared: two names a reader
cannot tell apart are the same name.
"""

from __future__ import annotations

import re
import unicodedata

_BIDI = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
_INVISIBLE = {0x00AD, 0x034F, 0x180E, 0xFEFF, *range(0x200B, 0x2010), *range(0x2060, 0x2065)}


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _unsafe(ch: str, keep: str) -> bool:
    if ch in keep:
        return False
    code = ord(ch)
    return unicodedata.category(ch) in ("Cc", "Zl", "Zp", "Cs") or code in _BIDI


def printable(text: object, keep: str = "") -> str:
    """``text`` with control, line-separator and bidi-override characters escaped.

    ``keep`` names characters to leave alone (``"\\n"`` for multi-line text such as a
    narration).
    """
    s = str(text)
    if all(" " <= ch <= "~" or ch in keep for ch in s):  # the common case, quickly
        return s
    return "".join(_escape(ch) if _unsafe(ch, keep) else ch for ch in s)


def name_key(name: str) -> str:
    """The form names are compared in: NFKC, invisible characters removed, spaces collapsed,
    case folded; so ``Upstream``, ``Up\\u200bstream`` and ``ＵＰＳＴＲＥＡＭ`` are one name."""
    s = unicodedata.normalize("NFKC", name)
    s = "".join(
        ch
        for ch in s
        if ord(ch) not in _INVISIBLE and ord(ch) not in _BIDI and unicodedata.category(ch) != "Cc"
    )
    return re.sub(r"\s+", " ", s).strip().casefold()


def is_blank(text: str) -> bool:
    """Whether a text shows nothing at all (spaces and invisible characters only)."""
    return name_key(text) == ""
