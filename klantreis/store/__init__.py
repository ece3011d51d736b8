"""Persistence of workshops behind one API; a database URL picks the backend."""
