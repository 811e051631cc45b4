"""Errors a person can act on.

Each error carries a Vietnamese message for the people who use ketluan and a
hint saying what to do. The CLI prints them on one line; the API maps them to
4xx responses.
"""


class KetluanError(Exception):
    """Base class for every error shown to a user."""

    code = "error"

    def __init__(
        self, message: str, hint: str = "", cli_hint: str = "", *, extra: dict[str, object] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint  # what to do in the web interface (the API returns it)
        self.cli_hint = cli_hint  # what to do on the command line, where it differs
        # Machine-readable fields the API adds to the error's body (e.g. the meeting a
        # duplicate upload belongs to).
        self.extra: dict[str, object] = dict(extra or {})

    def __str__(self) -> str:  # what the CLI prints
        return f"{self.message} {self.cli_hint or self.hint}".strip()


class AudioError(KetluanError):
    """The file is missing, not audio, corrupt or empty."""

    code = "audio"


class ModelError(KetluanError):
    """A model is unknown, missing from the store, or fails its checksum."""

    code = "model"


class InputError(KetluanError):
    """Any other input a user gave that ketluan cannot use."""

    code = "input"


class DocumentError(InputError):
    """A .docx (or a file given as one) that ketluan will not or cannot read."""

    code = "document"


class NotFoundError(KetluanError):
    """Something asked for does not exist (or is not visible to this user)."""

    code = "not_found"


class ConflictError(KetluanError):
    """The request clashes with the current state: a duplicate upload, a stale edit."""

    code = "conflict"


class TooLargeError(KetluanError):
    """An upload is over the configured size limit."""

    code = "too_large"


class AuthError(KetluanError):
    """Not signed in, or the session/token is no longer valid."""

    code = "unauthorized"


class AccessDenied(KetluanError):
    """Signed in, but this role may not do this."""

    code = "forbidden"


class RateLimited(KetluanError):
    """Too many attempts (failed sign-ins): wait `retry_after` seconds."""

    code = "rate_limited"

    def __init__(self, message: str, hint: str = "", retry_after: int = 60) -> None:
        super().__init__(message, hint, extra={"retry_after": retry_after})
        self.retry_after = retry_after
