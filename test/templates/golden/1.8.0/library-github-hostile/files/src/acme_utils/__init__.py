"Say \"hi\" & it's `$HOME` \\n 100% $(id) <b> $x} # ünïcødé — ok"

from .core import greet

__version__ = "0.1.0"
__all__ = ["greet", "__version__"]
