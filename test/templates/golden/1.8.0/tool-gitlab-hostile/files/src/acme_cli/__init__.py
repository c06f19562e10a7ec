"Say \"hi\" & it's `$HOME` \\n 100% $(id) <b> $x} # ünïcødé — ok"

__version__ = "0.1.0"
