"""``labsim-dashboard [--port N] [--host H]``: serve the planner's dashboard locally.

The command replaces itself with Solara's production server (``solara run
sim.dashboard.app --production --no-open``), so stopping it (Ctrl+C, or a signal to
its process id) stops the server. The browser assets come from the ``solara-assets``
package and Solara's telemetry is off, so the dashboard works without network and
sends nothing.
"""

from __future__ import annotations

import argparse
import os
import sys


def server_command(host: str, port: int) -> list[str]:
    """The Solara server command line for ``host`` and ``port``."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        "sim.dashboard.app",
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
    ]


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``labsim-dashboard`` console script."""
    parser = argparse.ArgumentParser(
        prog="labsim-dashboard",
        description="Serve the planner's dashboard of labsim (a local web app).",
    )
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1, this machine only)",
    )
    args = parser.parse_args(argv)
    if not 0 < args.port < 65536:
        parser.error(f"--port={args.port} is not a port; allowed: 1..65535")
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"labsim-dashboard: open http://{shown}:{args.port}/ (Ctrl+C stops it)", flush=True)
    # Solara sends usage telemetry unless told not to; a local planning tool should not
    # contact anyone (set the variable to true to allow it).
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "false")
    command = server_command(args.host, args.port)
    os.execv(command[0], command)
