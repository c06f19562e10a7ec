"""The library's code. Replace `greet` with the real thing."""


def greet(name):
    """Return a greeting for `name`."""
    if not name:
        raise ValueError("name must not be empty")
    return "Hello, " + name + "!"
