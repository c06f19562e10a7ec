"Long-running Python service"

__version__ = "0.1.0"
