"""Zero-downtime migration planning: parse and lint scripts, a static lock model, schema diff into
operation objects, phased expand/backfill/switch/contract plans, and the MySQL→PostgreSQL switch.

Pure planning lives here; measuring on real engines is in ``dbwright.verify.locks`` and
``dbwright.verify.rehearse``.
"""
