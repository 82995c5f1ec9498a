"""Files in and out, safely: bounded input reading and output trees that replace only what dbwright wrote.

The lowest layer above the data model, so every writer (render, verify, drills, migration, api)
and every reader (spec, SQL, CSV/JSON) goes through the same checks.
"""

from dbwright.io.guard import MANIFEST, check_target, read_manifest
from dbwright.io.tree import Kept, WriteResult, set_invocation, write_file, write_manifest, write_tree

__all__ = ["MANIFEST", "Kept", "WriteResult", "check_target", "read_manifest", "set_invocation", "write_file",
           "write_manifest", "write_tree"]
