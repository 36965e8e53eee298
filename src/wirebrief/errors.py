"""The one exception hierarchy of wirebrief.

Every error a user can cause carries the input it concerns and the problem in plain words, so the
CLI can print a single clear line (``str(error)``) and exit with a non-zero code instead of a traceback.
"""

from __future__ import annotations


class WirebriefError(Exception):
    """Base class of every error wirebrief raises on purpose.

    ``http_status`` is the status the web API answers with when the error ends a request.
    """

    exit_code = 1
    http_status = 500


class ConfigError(WirebriefError):
    """A setting or configuration file is missing, unreadable or invalid."""

    exit_code = 2


class InputError(WirebriefError):
    """An input (file, directory, URL, record) cannot be used.

    ``location`` names the input (a path, a URL, ``path:line 12``) and ``problem`` says what is wrong.
    """

    exit_code = 3
    http_status = 400

    def __init__(self, location: str, problem: str) -> None:
        self.location = location
        self.problem = problem
        super().__init__(f"{location}: {problem}")


class FetchError(InputError):
    """A remote source could not be fetched (HTTP status, timeout, size limit, refused address)."""


class AddressRefusedError(FetchError):
    """A host resolves to an address the settings do not allow (private, loopback, link-local): trying
    again later cannot help, unlike a failed look-up."""


class PushRefused(InputError):
    """A request to the HTTP push endpoint is refused as a whole; nothing of it is stored.

    ``status`` is the HTTP status of the answer, ``code`` a short name of the reason (``body-too-large``)
    and ``problems`` every bad article as ``(item index, field, problem)``.
    """

    def __init__(
        self,
        status: int,
        code: str,
        problem: str,
        problems: tuple[tuple[int | None, str | None, str], ...] = (),
    ) -> None:
        super().__init__("push", problem)
        self.status = status
        self.code = code
        self.problems = problems


class StorageError(WirebriefError):
    """The database cannot be opened, read or written."""

    exit_code = 4
    http_status = 503

    def __init__(self, location: str, problem: str) -> None:
        self.location = location
        self.problem = problem
        super().__init__(f"{location}: {problem}")


class NotFoundError(WirebriefError):
    """A requested object (story, brief, source) does not exist."""

    exit_code = 5
    http_status = 404


class ProviderError(WirebriefError):
    """An enrichment provider failed (timeout, wrong format, truncated data)."""

    exit_code = 6

    def __init__(self, provider: str, problem: str) -> None:
        self.provider = provider
        self.problem = problem
        super().__init__(f"provider {provider}: {problem}")


class LLMError(WirebriefError):
    """An LLM backend failed: timeout, HTTP error, or output that cannot be used."""

    exit_code = 7


class VerificationError(WirebriefError):
    """A brief could not be verified at all (unsupported single sentences are dropped, not raised)."""

    exit_code = 8
