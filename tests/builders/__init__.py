"""Builders shared by the tests: plain functions and constants, one module per concern. Fixtures live in
conftest.py files; test modules import from here, never from one another."""
