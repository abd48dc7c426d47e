"""POST /api/consent under load: `privacydesk serve` on SQLite, wrk on loopback.

Target (issue 6): ≥ 2,000 accepted requests/s sustained for 60 s with p99 < 50 ms, and every
accepted request in the ledger afterwards. Each request is a different visitor deciding (accept or
reject at random), as a real banner would post.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import func, select

from bench import Result
from privacydesk.config import Settings
from privacydesk.consent import banner
from privacydesk.register.load import load_register
from privacydesk.register.service import store_register_version
from privacydesk.store.db import Database, migrate
from privacydesk.store.models.consent import ConsentEvent

NAME = "consent_api"
DESCRIPTION = (
    "POST /api/consent on SQLite with `privacydesk serve` (one process), wrk on loopback "
    "(1 thread, 32 connections), random visitors accepting or rejecting."
)
OCQTO = Path(__file__).resolve().parents[1] / "examples" / "ocqto" / "register.yaml"
SECRET = "bench-secret-key-that-is-long-enough"

LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) accepted = 0; refused = 0 end
local function hex() local s = "" for i = 1, 8 do s = s .. string.format("%04x", math.random(0, 65535)) end return s end
function request()
  local yes = math.random() < 0.5
  local body = '{"visitor":"' .. hex() .. '","revision":__REV__,"lang":"nl","notice":"__NOTICE__",'
    .. '"choices":{"analytics":' .. tostring(yes) .. '},"method":"' .. (yes and "accept_all" or "reject_all") .. '"}'
  return wrk.format("POST", "/api/consent", {["Content-Type"] = "text/plain"}, body)
end
function response(status, headers, body)
  if status == 201 then accepted = accepted + 1 else refused = refused + 1 end
end
function done(summary, latency, requests)
  local a, r = 0, 0
  for _, t in ipairs(threads) do a = a + t:get("accepted"); r = r + t:get("refused") end
  io.write(string.format("ACCEPTED %d\\nREFUSED %d\\nERRORS %d\\n", a, r,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("P50_US %d\\nP99_US %d\\nDURATION_US %d\\n",
    latency:percentile(50), latency:percentile(99), summary.duration))
end
"""


def _prepare(tmp: Path) -> tuple[str, Settings, banner.BannerContext]:
    url = f"sqlite:///{tmp / 'bench.db'}"
    db = Database(url)
    migrate(db)
    settings = Settings(database_url=url, secret_key=SECRET, key_file=tmp / "bench.key")
    with db.session_scope() as session:
        store_register_version(session, loaded=load_register(OCQTO), actor="bench")
        ctx = banner.banner_context(session, settings=settings)
    db.dispose()
    return url, settings, ctx


def _serve(url: str, port: int, tmp: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PRIVACYDESK_SECRET_KEY": SECRET,
        "PRIVACYDESK_KEY_FILE": str(tmp / "bench.key"),
        "PRIVACYDESK_SCHEDULER_ENABLED": "false",
        "PRIVACYDESK_LOG_LEVEL": "WARNING",
        "PRIVACYDESK_CONFIG": str(tmp / "absent.toml"),
    }
    command = [str(Path(sys.executable).with_name("privacydesk")), "--db", url, "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(
        "privacydesk serve did not start: " + (process.stderr.read() if process.stderr else b"").decode()
    )


def _wrk(port: int, script: Path, seconds: int) -> dict[str, int]:
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is not installed: apt-get install wrk")
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            "-c32",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {k: int(v) for k, v in re.findall(r"^([A-Z0-9_]+) (\d+)$", out, re.M)}


def _ledger_posts(url: str) -> int:
    db = Database(url)
    with db.session_scope(readonly=True) as session:
        count = session.execute(select(func.count()).select_from(ConsentEvent)).scalar_one()
    db.dispose()
    return int(count)


def run(quick: bool = False) -> list[Result]:
    seconds = 10 if quick else 60
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        url, _, ctx = _prepare(tmp)
        script = tmp / "post.lua"
        script.write_text(LUA.replace("__REV__", str(ctx.revision)).replace("__NOTICE__", ctx.notice["nl"]))
        from tests.browser_support import free_port

        port = free_port()
        server = _serve(url, port, tmp)
        try:
            figures = _wrk(port, script, seconds)
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)
        stored = _ledger_posts(url)  # Ocqto's register: one consent category, so one row per post
    rate = figures["ACCEPTED"] / (figures["DURATION_US"] / 1e6)
    p99 = figures["P99_US"] / 1000
    return [
        Result("accepted requests per second", rate, "req/s", "≥ 2,000", rate >= 2000, f"over {seconds} s"),
        Result("p50 latency", figures["P50_US"] / 1000, "ms"),
        Result("p99 latency", p99, "ms", "< 50 ms", p99 < 50),
        Result(
            "refused or failed requests",
            figures["REFUSED"] + figures["ERRORS"],
            "requests",
            "0",
            figures["REFUSED"] + figures["ERRORS"] == 0,
        ),
        Result(
            "accepted requests missing from the ledger",
            figures["ACCEPTED"] - stored,
            "requests",
            "0",
            figures["ACCEPTED"] == stored,
            json.dumps({"accepted": figures["ACCEPTED"], "in_ledger": stored}),
        ),
    ]
