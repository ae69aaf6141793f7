"""Shared by the client scripts: where the server is, and a check helper."""
import os
import sys

HOST = os.environ["BLUESHIFT_SQL_HOST"]
PORT = int(os.environ["BLUESHIFT_SQL_PORT"])
USER = "alice"  # no users configured: the server trusts loopback clients
DB = "dev"


def check(what, got, want):
    """Fail the script, saying what differed, unless got == want."""
    if got != want:
        print(f"FAIL {what}:\n  got  {got!r}\n  want {want!r}", file=sys.stderr)
        sys.exit(1)
    print(f"ok   {what}")
