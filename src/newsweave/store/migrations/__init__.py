"""Alembic migrations for the store, run by :mod:`newsweave.store.migrate`."""
