"""The project's named errors. Messages are in Chinese and say how to fix the problem."""


class CityDataError(ValueError):
    """Base class: something about the city's data is wrong or missing."""


class CoordinateError(CityDataError):
    """Coordinates that cannot be converted (wrong shapes, out of range, unknown system)."""


class UnknownLayerError(CityDataError, KeyError):
    """A layer name that the city data file does not hold."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class CityDataMissingError(CityDataError, FileNotFoundError):
    """The city data file does not exist yet."""
