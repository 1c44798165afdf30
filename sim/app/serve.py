"""Start the page's server (Solara on uvicorn) for one scenario file."""

from __future__ import annotations

import os
import socket
import threading
import time
import warnings
import webbrowser
from pathlib import Path

SCENARIO_ENV = "NEGSIM_APP_SCENARIO"
TIMER_ENV = "NEGSIM_APP_TIMER"


def configure(scenario: Path) -> None:
    """Environment the page reads: the scenario, and Solara kept offline and quiet."""
    os.environ[SCENARIO_ENV] = str(Path(scenario).resolve())
    os.environ["SOLARA_APP"] = "sim.app.page"
    # No telemetry, no version check, no icon font from a CDN: the page must work offline.
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    os.environ["SOLARA_ASSETS_FONTAWESOME_ENABLED"] = "False"
    os.environ.setdefault("SOLARA_THEME_LOADER", "plain")


class PortBusy(OSError):
    """The address cannot be served on (in use, or not this machine's)."""


def check_address(host: str, port: int) -> None:
    """Fail before starting Solara when the port cannot be bound, with one clear line."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as s:
        try:
            s.bind((host, port))
        except OSError as exc:
            raise PortBusy(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None


def serve(
    scenario: Path, host: str = "127.0.0.1", port: int = 8765, open_browser: bool = True
) -> None:
    """Serve the page until interrupted; open it in a browser once the server is up."""
    check_address(host, port)
    configure(scenario)
    import uvicorn
    from solara.server import settings

    settings.main.mode = "production"
    # Solara warns on every first visit that its cookie falls back to SameSite=Lax over plain
    # http; that fallback is what a page on a classroom's network wants, so say nothing.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none")
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    config = uvicorn.Config(
        "solara.server.starlette:app", host=host, port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    if open_browser:

        def opener() -> None:
            while not server.started:
                time.sleep(0.1)
            webbrowser.open(url)

        threading.Thread(target=opener, daemon=True).start()
    print(f"negsim app: {url} (Ctrl+C to stop)", flush=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"Students join at http://<this machine's address>:{port}/", flush=True)
    server.run()
