"""dbwright: a database architect you can run."""

__version__ = "0.1.0"
