"""The one error every reader raises for input DART refuses."""

from __future__ import annotations


class InputError(ValueError):
    """A file DART refuses: names the file, the line (when there is one) and the reason.

    ``str(error)`` is the plain sentence shown to users, e.g.
    ``tumor.vcf, line 48213: FORMAT AD has 2 values for 3 alleles``.
    """

    def __init__(self, reason: str, *, filename: str, line: int | None = None) -> None:
        self.reason = reason
        self.filename = filename
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.filename}, line {self.line}" if self.line else self.filename
        return f"{where}: {self.reason}"
