"""Building blocks shared by the validated file models: frozen models and constrained types."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Code", "Frozen", "NonNegative", "Share"]

NonNegative = Annotated[float, Field(ge=0)]
Share = Annotated[float, Field(ge=0, le=1)]
Code = Annotated[str, Field(min_length=2, max_length=16, pattern=r"^[A-Za-z][A-Za-z0-9_+-]*$")]


class Frozen(BaseModel):
    """Frozen, and unknown keys are errors (a misspelt key is never ignored).

    Strict: numbers are numbers (no ``true``, no ``"365"``); enums take their text.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, strict=True)
