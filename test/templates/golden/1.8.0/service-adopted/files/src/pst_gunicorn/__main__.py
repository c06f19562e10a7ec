"""Allows `python -m pst_gunicorn`."""
import sys

from .service import main

if __name__ == "__main__":
    sys.exit(main())
