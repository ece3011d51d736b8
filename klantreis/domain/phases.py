"""Phase models are data, not code: a named, ordered list of phase keys.

The built-in models come from the source articles. Their phase names live in the i18n catalogue
(``phase.<key>``); a workshop stores its own copy of the phases with names in its language, so a
group can rename, add or drop phases without touching code.
"""

from __future__ import annotations

import unicodedata

from klantreis.domain.base import clean_line
from klantreis.domain.workshop import Phase
from klantreis.i18n import Language, t

BUILTIN_PHASE_MODELS: dict[str, tuple[str, ...]] = {
    # Latent need before awareness, then the five phases around a purchase (seed 001).
    "default": ("latent_need", "awareness", "consideration", "purchase", "service", "loyalty"),
    # Acquisition, experience, loyalty (seed 002).
    "lifecycle": ("acquisition", "experience", "loyalty"),
    # Becoming, being and staying a customer (seed 000).
    "customer_status": ("becoming", "being", "staying"),
    # Attention, interest, desire, action (named in seed 002).
    "aida": ("attention", "interest", "desire", "action"),
}

CUSTOM_PHASE_MODEL = "custom"


def phases_for(model: str, language: Language) -> list[Phase]:
    """The phases of a built-in model, named and described in ``language``.

    Raises ``KeyError`` for an unknown model; callers turn that into a user-facing message.
    """
    keys = BUILTIN_PHASE_MODELS[model]
    return [
        Phase(
            key=key,
            name=t(f"phase.{key}", language),
            description=t(f"phase.{key}.hint", language),
        )
        for key in keys
    ]


def phases_from_names(names: list[str]) -> list[Phase]:
    """Phases from names typed one per line; keys are made from the names."""
    phases = []
    used: set[str] = set()
    for name in names:
        plain = unicodedata.normalize("NFKD", str(clean_line(name)).lower())
        plain = plain.encode(
            "ascii", "ignore"
        ).decode()  # keys are ASCII: "Oriëntatie" -> "orientatie"
        base = "".join(ch if ch.isalnum() else "_" for ch in plain).strip("_")
        key = (base or "phase")[:36]
        candidate, number = key, 2
        while candidate in used:
            candidate, number = f"{key}_{number}", number + 1
        used.add(candidate)
        phases.append(Phase(key=candidate, name=name))
    return phases
