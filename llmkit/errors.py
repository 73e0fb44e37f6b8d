"""Errors that are the user's to fix.

Anything raised as `UserError` ends the program with one readable message and exit status 2 (no traceback
unless `--debug`). Every other exception is a bug in llmkit and keeps its traceback.
"""

EXIT_USER_ERROR = 2


class UserError(Exception):
    """Bad input: a message that says what is wrong, where, and how to fix it."""


class ConfigError(UserError):
    """A configuration key or value that cannot be used."""
