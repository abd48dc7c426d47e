"""`privacydesk serve` and `privacydesk demo`."""

from __future__ import annotations

import gc
import logging
import shutil
import threading
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from privacydesk import audit
from privacydesk.cli._common import DbOpt, console, database, settings, state
from privacydesk.config import Settings
from privacydesk.demo import DemoContext, seed_all
from privacydesk.keyfile import ensure_master_key
from privacydesk.outbox import send_pending
from privacydesk.register.load import load_register
from privacydesk.register.service import store_register_version
from privacydesk.scheduler import start_scheduler
from privacydesk.store.db import Database
from privacydesk.web.app import create_app

HostOpt = Annotated[str, typer.Option("--host", help="Address to listen on.")]
PortOpt = Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")]
log = logging.getLogger("privacydesk.serve")
EXAMPLE_REGISTER = Path(__file__).resolve().parents[3] / "examples" / "ocqto" / "register.yaml"


OUTBOX_INTERVAL = 30.0  # seconds between outbox runs
GC_THRESHOLD = 7000  # allocations between young-generation collections (see _run)


def _outbox_loop(db: Database, cfg: Settings, stop: threading.Event) -> None:
    """Send queued letters every OUTBOX_INTERVAL seconds; each message is claimed, so several
    instances never send one twice."""
    while not stop.wait(OUTBOX_INTERVAL):
        try:
            send_pending(db, cfg)
        except Exception as exc:  # noqa: BLE001 - keep the loop alive; only the type is logged
            log.error("outbox run failed: %s", type(exc).__name__)


def _run(cfg: Settings, host: str, port: int) -> None:
    db = database(cfg.database_url)  # migrates on start
    app = create_app(cfg, db)
    scheduler = start_scheduler(app)
    stop = threading.Event()
    if cfg.scheduler_enabled:
        threading.Thread(target=_outbox_loop, args=(db, cfg, stop), daemon=True, name="outbox").start()
    console.print(f"privacydesk is serving on [bold]http://{host}:{port}[/bold] (Ctrl+C stops it)")
    # Everything loaded so far lives as long as the process: keep it out of the collector's full
    # passes, which otherwise walked ~200,000 objects and held requests for 50-100 ms each. A request
    # briefly holds ~1,000 container objects, so the default threshold (700) ran a collection for
    # almost every request (21,000 a minute under load, 4% of the CPU); 7,000 runs about one a second.
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, 10, 10)
    try:
        uvicorn.run(app, host=host, port=port, log_level=cfg.log_level.lower(), access_log=False)
    finally:
        stop.set()
        if scheduler is not None:
            scheduler.stop()


def serve(host: HostOpt = "127.0.0.1", port: PortOpt = 8000, db: DbOpt = None) -> None:
    """Serve the portal, the admin and the API (migrating the database first)."""
    _run(settings(db), host, port)


def demo(
    directory: Annotated[Path, typer.Option("--dir", help="Where the demo database and key live.")] = Path(
        ".demo"
    ),
    register_file: Annotated[
        Path, typer.Option("--register", help="The register to load.")
    ] = EXAMPLE_REGISTER,
    host: HostOpt = "127.0.0.1",
    port: PortOpt = 8000,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Create the demo data, then stop.")] = False,
) -> None:
    """A fresh demo: Ocqto's register and synthetic data (fixed seed) in --dir, then serve it."""
    loaded = load_register(register_file)
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    cfg = settings().model_copy(
        update={
            "database_url": f"sqlite:///{directory / 'privacydesk.db'}",
            "key_file": directory / "privacydesk.key",
            "data_dir": directory / "data",
            "env": "development",
        }
    )
    state.settings = cfg
    ensure_master_key(cfg)
    with database(cfg.database_url, create=True).session_scope() as session:
        audit.record(session, action=audit.Action.DATABASE_INITIALISED, actor="system:demo")
        store_register_version(session, loaded=loaded, actor="system:demo")
        notes = seed_all(
            DemoContext(session=session, settings=cfg, register=loaded.register, today=date.today())
        )
    for line in notes:
        console.print(line, soft_wrap=True)
    console.print(
        f"demo data in {directory}/ — portal http://{host}:{port}/ · admin http://{host}:{port}/admin"
    )
    if not no_serve:
        _run(cfg, host, port)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("demo")(demo)
