"WSGI HTTP Server for UNIX"

__version__ = "23.0.0"
