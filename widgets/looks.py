"""Layouts and styles shared by the widgets of one form, list or panel.

Every ipywidgets widget brings its own layout, and most bring a style; each is a widget of its
own, opened in the browser with a message of its own. A participant's page of two hundred
widgets was then mostly layouts and styles, and building it was most of what an arrival cost
the room. Widgets whose layout and style never change take shared ones from their owner's
:class:`Looks`; they are closed with the owner's widget tree
(:func:`~klantreis.widgets.lifecycle.close_tree`).

Looks made with ``keep=True`` are shared by everything their owner shows, the forms and
lists that come and go included: :func:`~klantreis.widgets.lifecycle.close_tree` leaves them
open, and the owner (a participant's page, a panel) closes them with :meth:`Looks.close` when
it closes itself. A participant's arrival then opens one full-width layout and one text style
for the whole page instead of one per form, list and panel.

A shared layout is never changed: hide and show a widget with :func:`show`, which sets a CSS
class on the widget itself.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any, TypeVar

import ipywidgets as w

W = TypeVar("W", bound=w.DOMWidget)
S = TypeVar("S", bound=w.Widget)

FULL = {"width": "100%"}

HIDDEN = "kr-hidden"
"""The CSS class that hides a widget (see :data:`~klantreis.widgets.style.CSS`)."""

NAMED = "kr-named"
"""The CSS class of an input whose own label (its ``description``) carries its name for screen
readers, which then say "Kind of need, list box" rather than "list box". The page shows the
name in a caption or heading above the input; the label itself takes no room (see
:data:`~klantreis.widgets.style.CSS`)."""


_KEPT: weakref.WeakSet[w.Widget] = weakref.WeakSet()


def kept_open(widget: w.Widget) -> bool:
    """True for a layout or style of looks made with ``keep=True``: closing a widget tree
    leaves it open, its owner closes it."""
    return widget in _KEPT


def show(widget: w.DOMWidget, shown: bool) -> None:
    """Show or hide a widget without touching its layout, which may be shared. Nothing is
    sent to the browser when the widget already is as asked."""
    if shown:
        widget.remove_class(HIDDEN)
    else:
        widget.add_class(HIDDEN)


class Looks:
    """One owner's shared layouts and styles, made on first use and kept by their traits.

    ``keep=True``: looks that outlive the widget trees using them (a page's, a panel's);
    their owner closes them with :meth:`close`."""

    def __init__(self, keep: bool = False) -> None:
        self._made: dict[tuple[Any, ...], w.Widget] = {}
        self.keep = keep

    def close(self) -> None:
        """Close every layout and style made here (kept looks, when their owner closes)."""
        made, self._made = list(self._made.values()), {}
        for widget in made:
            widget.close()

    def layout(self, **traits: str) -> w.Layout:
        """The shared layout with these traits (``width="100%"``, ``flex=...``)."""
        return self._shared(w.Layout, traits)

    def style(self, kind: type[S], **traits: Any) -> S:
        """The shared style of this kind (``w.ButtonStyle``, ``w.TextStyle``...)."""
        return self._shared(kind, traits)

    def make(
        self,
        kind: type[W],
        layout: dict[str, str] | None = None,
        classes: Sequence[str] = (),
        shown: bool = True,
        name: str | None = None,
        **traits: Any,
    ) -> W:
        """A new ``kind`` widget with the shared layout (full width unless ``layout`` says
        otherwise), the shared default style of its kind, and CSS ``classes``; hidden unless
        ``shown`` (show it later with :func:`show`). ``name``: what an input is called, for
        screen readers (its own label, out of sight: see :data:`NAMED`).

        Classes given here travel with the widget's first message; each one added after it
        would be a message of its own to the browser."""
        style = kind.class_traits().get("style")
        shared: dict[str, Any] = {}
        if style is not None and "style" not in traits:
            shared["style"] = self.style(style.klass)
        classes = [*classes, *([] if shown else [HIDDEN])]
        if name is not None:
            classes.append(NAMED)
            traits["description"] = name
        if classes:
            shared["_dom_classes"] = classes
        made: W = kind(
            layout=self.layout(**(FULL if layout is None else layout)), **shared, **traits
        )
        return made

    def html(self, value: str = "", *classes: str, shown: bool = True) -> w.HTML:
        """A piece of text or markup (already escaped), with CSS classes."""
        return self.make(w.HTML, classes=classes, shown=shown, value=value)

    def _shared(self, kind: type[S], traits: dict[str, Any]) -> S:
        key = (kind, *sorted(traits.items()))
        found = self._made.get(key)
        if found is None:
            found = self._made[key] = kind(**traits)
            if self.keep:
                _KEPT.add(found)
        shared: S = found  # the key holds the kind
        return shared
