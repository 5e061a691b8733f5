"""The one exception type every bad input to bpviz raises."""

import re

MAX_WORD = 40  # characters of one word of a message; a longer one (a 401-digit number, a pasted blob) is cut
MAX_MESSAGE = 400  # characters of a whole message (many long words, a list of unknown keys)


def bounded(text: str, most: int = MAX_WORD) -> str:
    """``text`` with every word longer than ``most`` characters cut to its first ``most`` and "…", and the whole
    cut at MAX_MESSAGE, so a message that quotes what the user gave stays short however long that was."""
    text = re.sub(rf"\S{{{most + 1},}}", lambda m: m.group()[:most] + "…", str(text))
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


class BpvizError(ValueError):
    """A bad input, with the field it concerns.

    ``str(err)`` reads ``"<field>: <message>"`` so the CLI and the pages can
    show it on one line without a traceback. Both parts are ``bounded``: a value
    the message quotes is shown by its first MAX_WORD characters at most.
    """

    def __init__(self, field: str, message: str):
        field, message = bounded(field), bounded(message)
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
