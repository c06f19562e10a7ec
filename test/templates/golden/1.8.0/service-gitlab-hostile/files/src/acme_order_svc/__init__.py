"Say \"hi\" & it's `$HOME` \\n 100% $(id) <b> $x} # ünïcødé — ok"

__version__ = "2.10.3"
