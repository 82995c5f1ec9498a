"""Migration safety rules (MIG…): each reads a parsed migration script (``dbwright.migration``'s
``Script`` of ``Stmt`` facts with their static locks) and reports hazards with a safer recipe.

Codes MIG001–MIG039 are PostgreSQL (several also apply to MySQL/MariaDB), MIG050–MIG059 are the
MySQL/MariaDB online-DDL model. Codes are stable; retired codes become aliases.
"""
