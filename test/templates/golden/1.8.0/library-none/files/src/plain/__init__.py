"Long-running Python service"

from .core import greet

__version__ = "0.0.1"
__all__ = ["greet", "__version__"]
