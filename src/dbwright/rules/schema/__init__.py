"""Schema-design rules (SCH…): each reads an inspected database (:class:`SchemaFacts`: the
:class:`~dbwright.model.database.Database` plus its declared and inferred relations) and reports
design problems located as ``schema.table.column`` (``file:line`` for a DDL file), with a fix as SQL.

Codes: SCH001–009 keys, 010–019 foreign keys, 020–029 indexes, 030–039 types, 040–059 structure
and normalization, 060–069 naming, 070–079 security, 080–089 operations (need live statistics).
A rule's ``needs`` names what it reads beyond the catalog: ``statistics`` (usage counters from a
live engine), ``data`` (column values from statistics or a sample), ``postgresql``.
"""
