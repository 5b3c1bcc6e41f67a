"""Alembic migrations of the registry schema (``versions/``), run by ``vbqcore.registry.database``."""
