"""The one error a reader raises: a reason a clerk can read."""


class ReadError(Exception):
    """The file cannot be read as a report; `reason` is in Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
