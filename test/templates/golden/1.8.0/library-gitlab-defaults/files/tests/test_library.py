"""Tests for lib."""
import pytest

import lib
from lib import greet


def test_greet_greets_by_name():
    assert greet("world") == "Hello, world!"


def test_greet_refuses_an_empty_name():
    with pytest.raises(ValueError):
        greet("")


def test_version_is_a_string():
    assert isinstance(lib.__version__, str)
