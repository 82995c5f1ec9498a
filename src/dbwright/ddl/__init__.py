"""DDL per dialect from a SQLAlchemy MetaData: pure, shared by stages, verifiers and renderers."""

from dbwright.ddl.dialects import FILE_NAMES, dialect_for
from dbwright.ddl.emit import ddl_statements, render_ddl, split_statements

__all__ = ["FILE_NAMES", "ddl_statements", "dialect_for", "render_ddl", "split_statements"]
