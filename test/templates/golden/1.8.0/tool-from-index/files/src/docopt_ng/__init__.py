"Humane command line arguments parser"

__version__ = "0.9.0"
