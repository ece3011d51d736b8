"""Beyond one machine: room processes sharing a PostgreSQL database, and one workshop served by
two processes behind nginx with sticky sessions. Changes cross processes through NOTIFY."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from klantreis.domain import MethodStep
from klantreis.exchange.templates import load_template
from klantreis.folder import create_folder, open_folder
from klantreis.i18n import t
from klantreis.serve.network import server_answers
from tests.ports import free_port
from tests.room_client import RoomClient, add_card, join, run_async
from tests.served import ServedRoom, served_room

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
README = Path(__file__).resolve().parents[2] / "README.md"
NGINX_MAIN = """
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
{site}
}}
"""


def readme_nginx_site(first: int, second: int, port: int) -> str:
    """The README's nginx block for a sticky room, with the test's ports in place of its own."""
    text = README.read_text(encoding="utf8")
    block = text.split("```nginx\n", 1)[1].split("```", 1)[0]
    for documented, actual in (
        ("127.0.0.1:8866", f"127.0.0.1:{first}"),
        ("127.0.0.1:8876", f"127.0.0.1:{second}"),
        ("listen 80;", f"listen 127.0.0.1:{port};"),
    ):
        assert documented in block, f"README's nginx block no longer has {documented!r}"
        block = block.replace(documented, actual)
    return block


@contextmanager
def nginx_in_front_of(first: int, second: int, root: Path) -> Iterator[str]:
    """nginx from Debian on a free local port, configured with the README's block."""
    if not Path(NGINX).exists():
        pytest.fail("nginx is missing: apt-get install nginx (.ci/run does this)")
    port = free_port()
    root.mkdir(parents=True, exist_ok=True)
    conf = root / "nginx.conf"
    site = readme_nginx_site(first, second, port)
    conf.write_text(NGINX_MAIN.format(root=root, site=site))
    process = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(root), "-g", "daemon off;"])
    try:
        url = f"http://127.0.0.1:{port}/"
        assert server_answers(url, time.monotonic() + 30, lambda: process.poll() is not None)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def status(room: ServedRoom) -> dict[str, float]:
    with urllib.request.urlopen(f"{room.console_url}_klantreis/status", timeout=30) as answer:
        return dict(json.load(answer))


async def arrive(url: str, code: str, name: str) -> RoomClient:
    client = await RoomClient(url).open()
    await join(client, code, name)
    add = t("form.add", "en")
    await client.wait_for(lambda: client.find(description=add) is not None)
    return client


def test_two_workshops_in_two_room_processes_share_one_database(
    postgres_url: str, tmp_path: Path
) -> None:
    spring = create_folder(tmp_path / "spring", load_template("orchestra", "en"), postgres_url)
    autumn = create_folder(tmp_path / "autumn", load_template("telecom", "en"), postgres_url)
    for service in (spring, autumn):
        service.open_method_step(MethodStep.MAPPING)
    with (
        served_room(tmp_path / "spring", "--db", postgres_url) as first,
        served_room(tmp_path / "autumn", "--db", postgres_url) as second,
    ):
        assert first.keys.join_code != second.keys.join_code

        async def scenario() -> None:
            a = await arrive(first.join_url, first.keys.join_code, "Spring person")
            b = await arrive(second.join_url, second.keys.join_code, "Autumn person")
            await add_card(a, "Only in spring")
            await a.wait_for_text("Only in spring")
            await add_card(b, "Only in autumn")
            await b.wait_for_text("Only in autumn")
            assert "Only in spring" not in b.texts() and "Only in autumn" not in a.texts()
            wrong = await RoomClient(second.join_url).open()
            with pytest.raises(TimeoutError):  # the spring code does not open the autumn room
                await join(wrong, first.keys.join_code, "Lost", timeout=3)
            for client in (a, b, wrong):
                await client.close()

        run_async(scenario())
    assert [c.text for c in spring.snapshot().cards if c.author_id] == ["Only in spring"]
    assert [c.text for c in autumn.snapshot().cards if c.author_id] == ["Only in autumn"]


def test_one_workshop_served_by_two_processes_behind_a_sticky_proxy(
    postgres_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "shared"
    service = create_folder(folder, load_template("orchestra", "en"), postgres_url)
    service.open_method_step(MethodStep.MAPPING)
    with (
        served_room(folder, "--db", postgres_url) as first,
        served_room(folder, "--db", postgres_url) as second,
        nginx_in_front_of(first.port, second.port, tmp_path / "nginx") as proxy,
    ):
        people = 12

        async def scenario() -> None:
            nonlocal people
            clients = [
                await arrive(proxy, first.keys.join_code, f"Person {n}") for n in range(people)
            ]
            served = (status(first)["pages"], status(second)["pages"])
            while min(served) == 0 and len(clients) < 30:  # the hash is random: 12 may all land
                clients.append(  # on one side (1 in 2048); more arrivals settle it
                    await arrive(proxy, first.keys.join_code, f"Person {len(clients)}")
                )
                served = (status(first)["pages"], status(second)["pages"])
            people = len(clients)
            log = (tmp_path / "nginx" / "error.log").read_text(errors="replace")
            assert sum(served) == people and min(served) > 0, (served, log)  # both serve
            for number, client in enumerate(clients):
                await add_card(client, f"Card {number} through the proxy")
            for client in clients:  # every page sees every card, whichever process made it
                for number in range(people):
                    await client.wait_for_text(f"Card {number} through the proxy", timeout=30)
            # A reload keeps to the same process (the cookie picks it) and the same person.
            cookie = clients[0].cookie
            await clients[0].close()
            again = await RoomClient(proxy, cookie=cookie).open()
            await again.wait_for_text(t("room.joined_as", "en", name="Person 0"), timeout=20)
            for client in [again, *clients[1:]]:
                await client.close()

        run_async(scenario())
    stored = [c.text for c in open_folder(folder, postgres_url).snapshot().cards if c.author_id]
    assert sorted(stored) == sorted(f"Card {n} through the proxy" for n in range(people))


def test_a_new_arrival_while_the_database_is_away_gets_the_rooms_own_message(
    tmp_path: Path,
) -> None:
    from tests.postgres import controllable_cluster

    with controllable_cluster() as cluster:
        folder = tmp_path / "dutch"
        create_folder(folder, load_template("orchestra", "nl"), cluster.url)
        with served_room(folder, "--db", cluster.url) as room:
            cluster.pg_ctl("stop", "-m", "fast")

            async def scenario() -> None:
                client = await RoomClient(room.join_url).open()
                shown = client.texts()
                assert t("room.database_away", "nl") in shown  # the room's words, in Dutch
                assert "OperationalError" not in shown and "psycopg" not in shown
                retry = client.find(description=t("room.retry", "nl"))
                if retry is None:  # Solara's own button keeps its label in "children"
                    retry = next(
                        model_id
                        for model_id, state in client.models.items()
                        if t("room.retry", "nl") in str(state.get("children", ""))
                    )
                cluster.pg_ctl("start", "-w")
                await client.click(retry)
                code = t("room.code_placeholder", "nl")
                await client.wait_for(lambda: client.find(placeholder=code) is not None, 30)
                await join(client, room.keys.join_code, "Na de storing")
                await client.close()

            run_async(scenario())


def test_a_postgresql_restart_while_participants_save_loses_nothing_acknowledged(
    tmp_path: Path,
) -> None:
    """``pg_ctl restart -m fast`` while three pages add cards in a loop: a save in flight is
    stored or refused with the room's message (the text stays in the form and is added again),
    the pages carry on without a reload, and every card a page showed as saved is stored once."""
    import asyncio
    import threading

    from tests.postgres import controllable_cluster

    people, cards = 3, 8
    refusal = t("error.storage", "en")
    acknowledged: list[str] = []
    refused: list[str] = []
    with controllable_cluster() as cluster:
        folder = tmp_path / "restart"
        create_folder(folder, load_template("orchestra", "en"), cluster.url)
        open_folder(folder, cluster.url).open_method_step(MethodStep.MAPPING)
        with served_room(folder, "--db", cluster.url) as room:
            restarted = threading.Event()

            def restart() -> None:
                cluster.pg_ctl("restart", "-m", "fast", "-w")
                restarted.set()

            async def person(number: int) -> None:
                client = await RoomClient(room.join_url).open()
                await join(client, room.keys.join_code, f"Person {number}")
                add = t("form.add", "en")
                await client.wait_for(lambda: client.find(description=add) is not None)
                for n in range(cards):
                    text = f"Card {n} of person {number}"
                    if number == 0 and n == 2:
                        threading.Thread(target=restart, daemon=True).start()
                    for _attempt in range(60):
                        await add_card(client, text)
                        try:
                            await client.wait_for_row(text, 5)
                            acknowledged.append(text)
                            break
                        except TimeoutError:
                            assert refusal in client.texts()  # told why, never silent
                            refused.append(text)
                            await asyncio.sleep(0.5)
                    else:
                        raise AssertionError(f"{text} was never saved")
                await client.close()

            async def scenario() -> None:
                await asyncio.gather(*(person(n) for n in range(people)))

            run_async(scenario())
            assert restarted.wait(timeout=60)
        stored = [
            c.text
            for c in open_folder(folder, cluster.url).snapshot().cards
            if c.text.startswith("Card ")
        ]
    print(
        f"acknowledged {len(acknowledged)}, refused and added again {len(refused)}, "
        f"present {len(set(stored))}, duplicated {len(stored) - len(set(stored))}"
    )
    assert sorted(acknowledged) == sorted(set(acknowledged))
    assert len(acknowledged) == people * cards
    assert set(acknowledged) <= set(stored) and len(stored) == len(set(stored))
