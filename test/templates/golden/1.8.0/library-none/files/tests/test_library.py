"""Tests for plain."""
import pytest

import plain
from plain import greet


def test_greet_greets_by_name():
    assert greet("world") == "Hello, world!"


def test_greet_refuses_an_empty_name():
    with pytest.raises(ValueError):
        greet("")


def test_version_is_a_string():
    assert isinstance(plain.__version__, str)
