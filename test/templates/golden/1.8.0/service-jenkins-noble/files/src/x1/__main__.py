"""Allows `python -m x1`."""
import sys

from .service import main

if __name__ == "__main__":
    sys.exit(main())
