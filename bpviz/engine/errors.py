"""The one exception type every bad input to bpviz raises."""


class BpvizError(ValueError):
    """A bad input, with the field it concerns.

    ``str(err)`` reads ``"<field>: <message>"`` so the CLI and the pages can
    show it on one line without a traceback.
    """

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
