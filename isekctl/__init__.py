"""isekctl: keep a municipality's ISEK goal system as YAML files in git.

This module stays import-free so that `isekctl --help` starts fast.
"""

__version__ = "0.1.0"
