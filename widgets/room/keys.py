"""The room: how participants get in (a join code) and how the facilitator does (a token).

Both are made when a workshop is first served and kept in ``DIR/room.json`` (readable only by
its owner), so restarting the server keeps the codes people already have.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

ROOM_FILE = "room.json"

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I/L to misread on a projector
CODE_LENGTH = 6


@dataclass(frozen=True)
class RoomKeys:
    """The join code that participants type and the token that opens the console."""

    join_code: str
    facilitator_token: str


def new_join_code() -> str:
    """A fresh join code, e.g. ``K7M2QX``."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str:
    """What a person typed, as a code: upper case, without spaces or dashes (a phone's
    full-width "Ｋ７" is K7)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", typed).upper() if ch.isalnum())


def code_matches(typed: str, expected: str) -> bool:
    """True when ``typed`` is the join code (case, spaces and dashes do not matter). Compared
    as bytes in constant time: any text a person types is a wrong code, never an error."""
    typed_code, code = normalise_code(typed).encode(), normalise_code(expected).encode()
    return bool(expected) and hmac.compare_digest(typed_code, code)


def token_matches(typed: str, expected: str) -> bool:
    """True when ``typed`` is the facilitator token (exactly, in constant time)."""
    return bool(expected) and hmac.compare_digest(typed.strip().encode(), expected.encode())


def room_keys(folder: Path) -> RoomKeys:
    """The workshop's room keys, made and saved on first use."""
    path = folder / ROOM_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return RoomKeys(
            join_code=str(data["join_code"]), facilitator_token=str(data["facilitator_token"])
        )
    except (OSError, ValueError, KeyError, TypeError):
        keys = RoomKeys(join_code=new_join_code(), facilitator_token=secrets.token_urlsafe(18))
        path.write_text(json.dumps(asdict(keys), indent=2) + "\n", encoding="utf-8")
        os.chmod(path, 0o600)
        return keys
