"""A form's save button that carries what was typed with the press.

An ipywidgets text field and button are two widgets with two message streams: the browser
holds a field's next update back while its previous one is unanswered, but sends a button
press at once. A hurried person's press could then reach the server before the text it was
meant for, which stored the wrong text or none. This button reads the form's text inputs in
the browser at the moment of the press and sends their contents in the same message, so the
server saves exactly what the person saw when they pressed.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import anywidget
import traitlets

FIELD_PREFIX = "kr-field-"
"""The class a text input gets (followed by its field name), so the button can find it."""

SCRIPT = """
export default {
  render({ model, el }) {
    const button = document.createElement("button");
    const look = () => {
      const style = model.get("button_style");
      button.className = "jupyter-widgets jupyter-button widget-button"
        + (style ? " mod-" + style : "");
      button.textContent = model.get("description");
      button.disabled = model.get("disabled");
    };
    look();
    model.on("change:description", look);
    model.on("change:button_style", look);
    model.on("change:disabled", look);
    const inputs = () => {
      const form = document.querySelector("." + model.get("form_class"));
      const found = {};
      if (form) {
        for (const box of form.querySelectorAll("[class*='%(prefix)s']")) {
          const name = [...box.classList].find((c) => c.startsWith("%(prefix)s"));
          const input = box.querySelector("input, textarea");
          if (name && input) found[name.slice(%(length)d)] = input;
        }
      }
      return found;
    };
    const put = (input, text) => {
      input.value = text;
      input.dispatchEvent(new Event("input", { bubbles: true }));
    };
    button.addEventListener("click", () => {
      const found = inputs();
      const texts = {};
      for (const [name, input] of Object.entries(found)) texts[name] = input.value;
      model.send({ event: "click", texts });
      // A form that keeps adding is ready for the next entry at once, in the browser.
      if (model.get("clears")) for (const input of Object.values(found)) put(input, "");
    });
    model.on("msg:custom", (message) => {
      // The server refused what was sent: what was typed comes back where it was.
      if (message && message.event === "restore") {
        const found = inputs();
        for (const [name, text] of Object.entries(message.texts || {})) {
          if (found[name] && !found[name].value) put(found[name], text);
        }
      }
    });
    el.appendChild(button);
  },
};
""".replace("%(prefix)s", FIELD_PREFIX).replace("%(length)d", str(len(FIELD_PREFIX)))


class SubmitButton(anywidget.AnyWidget):
    """A button whose press carries the contents of its form's text inputs."""

    _esm = SCRIPT
    description = traitlets.Unicode("").tag(sync=True)
    button_style = traitlets.Unicode("").tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    form_class = traitlets.Unicode("").tag(sync=True)
    clears = traitlets.Bool(False).tag(sync=True)
    """Empty the form's text inputs in the browser as the press is sent (an adding form)."""

    def __init__(self, description: str, button_style: str = "", **kwargs: Any) -> None:
        super().__init__(
            description=description,
            button_style=button_style,
            form_class="kr-form-" + secrets.token_hex(6),
            **kwargs,
        )
        self._callbacks: list[Callable[[dict[str, str]], object]] = []
        self.on_msg(self._received)

    def on_click(self, callback: Callable[[dict[str, str]], object]) -> None:
        """Call ``callback(texts)`` on every press; ``texts`` maps field names to what the
        browser showed in them (empty when pressed from Python)."""
        self._callbacks.append(callback)

    def click(self, texts: dict[str, str] | None = None) -> None:
        """Press the button from Python (tests), optionally with what the browser would send."""
        for callback in self._callbacks:
            callback(dict(texts or {}))

    def restore(self, texts: dict[str, str]) -> None:
        """Put ``texts`` back into the form's emptied inputs (the server refused them)."""
        if texts:
            self.send({"event": "restore", "texts": texts})

    def _received(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("event") == "click":
            texts = content.get("texts")
            self.click(
                {str(k): str(v) for k, v in texts.items()} if isinstance(texts, dict) else {}
            )
