"""Tests for the docopt-ng command."""
import pytest

import docopt_ng
from docopt_ng.cli import main


def test_greets_the_world_by_default(capsys):
    assert main([]) == 0
    assert capsys.readouterr().out == "Hello, world!\n"


def test_greets_each_name(capsys):
    assert main(["ada", "grace"]) == 0
    assert capsys.readouterr().out.splitlines() == ["Hello, ada!", "Hello, grace!"]


def test_an_empty_name_is_exit_2(capsys):
    assert main([""]) == 2
    assert "must not be empty" in capsys.readouterr().err


def test_version_flag_prints_the_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert docopt_ng.__version__ in capsys.readouterr().out
