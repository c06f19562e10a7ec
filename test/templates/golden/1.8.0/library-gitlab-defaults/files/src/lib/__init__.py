"Reusable Python library"

from .core import greet

__version__ = "0.1.0"
__all__ = ["greet", "__version__"]
