"""The one exception type a user sees: its message names the file, the place and what to do."""


class WarnewsError(Exception):
    """Bad input or a refused operation; the CLI prints the message and exits non-zero."""
