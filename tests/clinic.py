"""A clinic server for tests and benchmarks: the deployment's Caddyfile in front (TLS from
Caddy's own certificate authority), the app on loopback behind it with the clinic's name as
its only host, a record of its own, and a real OpenID Connect provider (oidc-provider-mock,
from PyPI) with the practice's people. `.ci/run` installs Caddy and the provider.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import ssl
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .browser import ROOT, free_port, running, streamlit_server
from .needs import unavailable

CADDYFILE = ROOT / "deploy" / "Caddyfile"
SITE = "walkback.localhost"  # Chromium sends *.localhost to loopback by itself
ADMIN, ALICE, BOB, TUTOR = "boss", "alice", "bob", "tutor"
PEOPLE = {
    ADMIN: "Practice Manager",
    ALICE: "Alice Physio",
    BOB: "Bob Physio",
    TUTOR: "Tess Tutor",
}


def email(sub: str) -> str:
    return f"{sub}@clinic.example"


def tool(name: str, env: str) -> str:
    """A program the clinic server needs: named in `env`, on the PATH, or in ~/.local/bin."""
    found = os.environ.get(env) or shutil.which(name)
    local = Path.home() / ".local" / "bin" / name
    if not found and local.exists():
        found = str(local)
    if not found:
        unavailable(f"{name} is not installed (.ci/run installs it; or set {env})")
    return found


def wait(check: Any, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if check():
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start within {seconds:.0f} s")
        time.sleep(0.2)


@dataclass(frozen=True)
class Clinic:
    url: str  # https://walkback.localhost:PORT, through Caddy
    proxy_port: int
    root_ca: Path  # Caddy's local certificate authority
    db_url: str


@contextmanager
def clinic_server(folder: Path, db_url: str, sign_in: bool = True) -> Iterator[Clinic]:
    """The whole deployment on this machine: provider, app and proxy (sign-in optional, to
    compare the same proxy and app without it)."""
    caddy = tool("caddy", "WALKBACK_CADDY")
    folder.mkdir(parents=True, exist_ok=True)
    proxy_port = free_port()
    options = [
        "--server.allowedHosts", SITE,
        "--server.allowedHosts", "127.0.0.1",
        "--browser.serverAddress", SITE,
    ]  # fmt: skip
    with _provider(folder, proxy_port, sign_in) as secrets_file:
        if secrets_file is not None:
            options += ["--secrets.files", str(secrets_file)]
        with streamlit_server(options=options, env={"WALKBACK_DB_URL": db_url}) as app_url:
            data = folder / "caddy-data"
            env = {
                **os.environ,
                "XDG_DATA_HOME": str(data),
                "XDG_CONFIG_HOME": str(folder / "caddy-config"),
                "WALKBACK_SITE": f"{SITE}:{proxy_port}",
                "WALKBACK_UPSTREAM": app_url.removeprefix("http://"),
            }
            command = [caddy, "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"]
            with running(command, env=env):
                root = data / "caddy" / "pki" / "authorities" / "local" / "root.crt"
                clinic = Clinic(f"https://{SITE}:{proxy_port}", proxy_port, root, db_url)
                wait(lambda: root.exists() and https(clinic, "/_stcore/health")[0] == 200, "Caddy")
                yield clinic


@contextmanager
def _provider(folder: Path, proxy_port: int, sign_in: bool) -> Iterator[Path | None]:
    """The identity provider with the practice's people, and the app's secrets for it."""
    if not sign_in:
        yield None
        return
    provider = tool("oidc-provider-mock", "WALKBACK_OIDC_PROVIDER")
    idp_port = free_port()
    issuer = f"http://127.0.0.1:{idp_port}"
    users = [
        f'{{"sub": "{sub}", "email": "{email(sub)}", "name": "{name}"}}'
        for sub, name in PEOPLE.items()
    ]
    command = [provider, "--port", str(idp_port)]
    command += [arg for user in users for arg in ("--user-claims", user)]
    with running(command):
        metadata = f"{issuer}/.well-known/openid-configuration"
        wait(lambda: urllib.request.urlopen(metadata).status == 200, "the identity provider")
        secrets_file = folder / "secrets.toml"
        secrets_file.write_text(
            "[auth]\n"
            f'redirect_uri = "https://{SITE}:{proxy_port}/oauth2callback"\n'
            f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
            'client_id = "walkback"\n'
            f'client_secret = "{secrets.token_urlsafe(16)}"\n'
            f'server_metadata_url = "{metadata}"\n'
            "\n[walkback]\n"
            f'first_administrator = "{email(ADMIN)}"\n',
            encoding="utf-8",
        )
        secrets_file.chmod(0o600)
        yield secrets_file


def https(clinic: Clinic, path: str) -> tuple[int, dict[str, str]]:
    """GET through Caddy, trusting only Caddy's own root certificate, under the site's name."""
    context = ssl.create_default_context(cafile=str(clinic.root_ca))
    with (
        socket.create_connection(("127.0.0.1", clinic.proxy_port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=SITE) as tls,
    ):
        tls.sendall(
            f"GET {path} HTTP/1.1\r\nHost: {SITE}:{clinic.proxy_port}\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        reply = b""
        while chunk := tls.recv(65536):
            reply += chunk
    head = reply.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in head[1:])}
    return status, headers


def sign_in(tab: Any, clinic: Clinic, sub: str) -> None:
    """Through the landing page and the identity provider's own form, back to the app."""
    from .browser import settle

    tab.goto(clinic.url)
    tab.get_by_role("button", name="Sign in").click()
    tab.get_by_role("button", name=f"Authorize as {sub}").click()
    tab.wait_for_url(f"{clinic.url}/**")
    tab.get_by_text(email(sub), exact=True).wait_for()
    settle(tab)
