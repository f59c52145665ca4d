"""The project's named errors. Messages are in Chinese and say how to fix the problem."""


class CityDataError(ValueError):
    """Base class: something about the city's data is wrong or missing."""


class CoordinateError(CityDataError):
    """Coordinates that cannot be converted (wrong shapes, out of range, unknown system)."""
