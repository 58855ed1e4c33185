"""Argument checks shared by every module, so that bad input fails the same clear way everywhere."""

from __future__ import annotations

from numbers import Integral

import numpy as np


def check_int(value, name: str, minimum: int = 1, maximum: int | None = None) -> int:
    """Return ``value`` as a Python int after checking its type and range.

    Parameters
    ----------
    value : object
        The argument to check; bools are refused even though they are integers.
    name : str
        The argument's name, used in the error message.
    minimum, maximum : int, optional
        The allowed range, both ends included; ``maximum=None`` means no upper end.

    Raises
    ------
    TypeError
        If ``value`` is not an integer.
    ValueError
        If ``value`` lies outside the allowed range; the message states the range.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    value = int(value)
    if maximum is None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    if maximum is not None and not minimum <= value <= maximum:
        raise ValueError(f"{name} must be in [{minimum}, {maximum}], got {value}")
    return value
