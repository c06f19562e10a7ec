"""Allows `python -m acme_order_svc`."""
import sys

from .service import main

if __name__ == "__main__":
    sys.exit(main())
