"""Tests for acme-utils."""
import pytest

import acme_utils
from acme_utils import greet


def test_greet_greets_by_name():
    assert greet("world") == "Hello, world!"


def test_greet_refuses_an_empty_name():
    with pytest.raises(ValueError):
        greet("")


def test_version_is_a_string():
    assert isinstance(acme_utils.__version__, str)
