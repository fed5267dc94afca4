"""The read replica (issue #15, decision 0024): the router against a real streaming standby.

The standby tests make their own pair of PostgreSQL clusters (the shared server's pg_hba
refuses replication): a primary by initdb, migrated by `grassroots migrate`, and a standby
made from it by `pg_basebackup -R`, both on free ports on 127.0.0.1. Django's `default`
connection is pointed at the primary and a `replica` connection at the standby for the
module, with the router installed; everything is stopped and removed at the end, even after
a failure. They run when the suite runs on PostgreSQL (the `default` connection must be a
PostgreSQL one to be pointed elsewhere) and skip, saying why, where no cluster can be made.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from grassroots.accounts.models import User
from grassroots.alliances import services as alliances
from grassroots.alliances.models import Alliance, AllianceKind
from grassroots.conftest import database_vendor
from grassroots.core import clock, dbrouter
from grassroots.core.models import AuditEvent
from grassroots.core.tests.test_configuration import run
from grassroots.core.tests.test_database_restart import PG_BINARIES, Cluster, as_postgres
from grassroots.core.tests.test_serve import free_port
from grassroots.env import replica_database
from grassroots.testing import Town, build_town

REPO = Path(__file__).resolve().parents[3]


# --- without a standby: the settings and the list of replica reads -------------------------


def view_names(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from view_names(p.url_patterns, inner)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}"


def test_every_replica_read_names_a_route() -> None:
    names = set(view_names(get_resolver().url_patterns))
    marked = dbrouter.view_patterns(dbrouter.read_views())
    for pattern in dbrouter.read_views():
        assert any(dbrouter.view_patterns([pattern])(n) for n in names), pattern
    assert marked("dashboards:cockpit") and marked("alliances:list")
    assert not marked("alliances:alliance_new") and not marked("cases:detail")


def test_the_replica_is_a_read_only_postgresql_connection_mirrored_in_tests() -> None:
    primary = dj_database_url.parse("postgres://app@db1:5432/grassroots", conn_max_age=60)
    replica = replica_database("postgres://app@db2:5432/grassroots", primary)
    assert (replica["HOST"], replica["CONN_MAX_AGE"]) == ("db2", 60)
    assert replica["OPTIONS"]["options"] == "-c default_transaction_read_only=on"
    assert replica["TEST"] == {"MIRROR": "default"}
    sqlite = dj_database_url.parse("sqlite:///x.sqlite3")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL must be PostgreSQL"):
        replica_database("postgres://app@db2/grassroots", sqlite)
    with pytest.raises(ImproperlyConfigured, match="DATABASE_REPLICA_URL must be PostgreSQL"):
        replica_database("sqlite:///y.sqlite3", primary)


def test_the_replica_url_adds_the_connection_and_the_router(tmp_path: Path) -> None:
    code = (
        "import json; from django.conf import settings; print(json.dumps("
        "[sorted(settings.DATABASES), settings.DATABASE_ROUTERS, settings.REPLICA_PIN_SECONDS]))"
    )
    done = run(
        ["-c", code],
        tmp_path,
        DATABASE_URL="postgres://app@db1/grassroots",
        DATABASE_REPLICA_URL="postgres://app@db2/grassroots",
        GRASSROOTS_REPLICA_PIN_SECONDS="15",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        ["default", "replica"],
        ["grassroots.core.dbrouter.ReplicaRouter"],
        15,
    ]
    refused = run(
        ["-c", "from django.conf import settings; settings.DATABASES"],
        tmp_path,
        DATABASE_REPLICA_URL="postgres://app@db2/grassroots",  # beside the default SQLite
    )
    assert "DATABASE_URL must be PostgreSQL to use a read replica" in refused.stderr


def test_the_pin_is_a_signed_cookie_that_ends_on_the_clock() -> None:
    clock.set_now(dt.datetime(2026, 5, 20, 10, 0, tzinfo=dt.UTC))
    response = HttpResponse()
    dbrouter.pin(response)
    cookie = response.cookies[dbrouter.PIN_COOKIE]
    assert cookie["max-age"] == settings.REPLICA_PIN_SECONDS and cookie["httponly"]
    request = RequestFactory().get("/")
    request.COOKIES[dbrouter.PIN_COOKIE] = cookie.value
    assert dbrouter.pinned(request)
    clock.advance(dt.timedelta(seconds=settings.REPLICA_PIN_SECONDS + 1))
    assert not dbrouter.pinned(request)
    clock.advance(dt.timedelta(seconds=-5))
    request.COOKIES[dbrouter.PIN_COOKIE] = cookie.value.replace(":", "0:", 1)  # tampered
    assert not dbrouter.pinned(request)


def test_the_router_writes_and_migrates_on_the_primary_and_notes_service_calls() -> None:
    router = dbrouter.ReplicaRouter()
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "grid") is True
    assert router.allow_migrate(dbrouter.REPLICA, "grid") is False
    with dbrouter.replica_reads() as reads:
        assert router.db_for_write(Alliance) == DEFAULT_DB_ALIAS and not reads.wrote
        assert router.db_for_write(AuditEvent) == DEFAULT_DB_ALIAS and reads.wrote
        assert router.db_for_read(Alliance) == DEFAULT_DB_ALIAS  # after a service call
    with dbrouter.replica_reads() as reads:
        reads.probed = True  # as if the replica had answered
        assert router.db_for_read(Alliance) == dbrouter.REPLICA
        assert router.db_for_read(Session) == DEFAULT_DB_ALIAS  # sessions: always the primary
    assert router.db_for_read(Alliance) == DEFAULT_DB_ALIAS  # no replica read here


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_REPLICA_URL")), reason="this run has a replica configured"
)
def test_without_a_replica_nothing_is_installed() -> None:
    assert dbrouter.REPLICA not in settings.DATABASES
    assert not getattr(settings, "DATABASE_ROUTERS", [])
    with pytest.raises(MiddlewareNotUsed):
        dbrouter.ReplicaReadMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]


# --- a real primary and standby ------------------------------------------------------------


@dataclass
class Pair:
    primary: Cluster
    standby: Cluster

    def sql(self, cluster: Cluster, query: str, *args: Any) -> Any:
        with psycopg.connect(cluster.url, autocommit=True) as conn:
            row = conn.execute(query, args).fetchone()  # type: ignore[arg-type]
            return row[0] if row else None

    def caught_up(self, timeout: float = 20) -> None:
        """Wait until the standby has replayed everything the primary has written."""
        lsn = self.sql(self.primary, "SELECT pg_current_wal_lsn()::text")
        deadline = time.monotonic() + timeout
        while not self.sql(self.standby, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", lsn):
            assert time.monotonic() < deadline, f"standby did not replay up to {lsn}"
            time.sleep(0.05)

    @contextlib.contextmanager
    def replay_paused(self) -> Iterator[None]:
        self.caught_up()
        self.sql(self.standby, "SELECT pg_wal_replay_pause()")
        try:
            yield
        finally:
            self.sql(self.standby, "SELECT pg_wal_replay_resume()")


def cluster_or_skip(root: Path, bin_dir: Path) -> Cluster:
    root.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    return Cluster(root, free_port(), bin_dir)


def make_pair(base: Path) -> Pair:
    bin_dir = Path(PG_BINARIES[-1]).parent
    primary = cluster_or_skip(base / "primary", bin_dir)
    try:
        as_postgres(
            *(str(bin_dir / "initdb"), "-D", str(primary.root / "data")),
            *("-A", "trust", "-U", "postgres", "--no-sync"),
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        why = getattr(exc, "stderr", b"") or b""
        pytest.skip(f"cannot make a PostgreSQL cluster here (initdb: {exc}; {why.decode()[-300:]})")
    with (primary.root / "data" / "pg_hba.conf").open("a") as hba:
        hba.write("host replication all 127.0.0.1/32 trust\n")
    primary.start()
    as_postgres(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(primary.port), "grassroots")
    migrate = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, str(REPO / "manage.py"), "migrate", "--noinput", "-v", "0"],
        env={**os.environ, "DATABASE_URL": primary.url, "DATABASE_REPLICA_URL": ""},
        capture_output=True,
        timeout=240,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr.decode()[-2000:]
    standby = cluster_or_skip(base / "standby", bin_dir)
    as_postgres(
        *(str(bin_dir / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port)),
        *(
            "-U",
            "postgres",
            "-D",
            str(standby.root / "data"),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
            "--no-sync",
        ),
    )
    standby.start()
    pair = Pair(primary, standby)
    deadline = time.monotonic() + 30
    while (
        pair.sql(primary, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") < 1
    ):
        assert time.monotonic() < deadline, "the standby did not start streaming"
        time.sleep(0.1)
    assert pair.sql(standby, "SELECT pg_is_in_recovery()") is True
    return pair


def stop_all(base: Path) -> None:
    pg_ctl = str(Path(PG_BINARIES[-1]).parent / "pg_ctl")
    for name in ("standby", "primary"):
        data = base / name / "data"
        if (data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError, OSError):
                as_postgres(pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop")
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    if database_vendor() != "postgresql":
        pytest.skip(
            "the standby tests run in the PostgreSQL suite: Django's default connection must be "
            "a PostgreSQL one to be pointed at the test's own primary"
        )
    if not PG_BINARIES or not Path(PG_BINARIES[-1]).with_name("pg_basebackup").exists():
        pytest.skip("PostgreSQL server binaries (initdb, pg_basebackup) are not installed")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root without a `postgres` account to run the server as")
        if not shutil.which("runuser"):
            pytest.skip("running as root without `runuser` to start the server as postgres")
    base = Path(tempfile.mkdtemp(prefix="grassroots-replica-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    try:
        yield make_pair(base)
    finally:
        stop_all(base)


@pytest.fixture(scope="module")
def site(pair: Pair, django_db_blocker: Any) -> Iterator[Town]:
    """Django's `default` on the primary, `replica` on the standby, the router installed."""
    default = connections[DEFAULT_DB_ALIAS]
    saved = dict(default.settings_dict)
    primary = dj_database_url.parse(pair.primary.url)
    with django_db_blocker.unblock():
        default.close()
        default.settings_dict.update({k: primary[k] for k in ("NAME", "USER", "HOST", "PORT")})
        connections.settings[dbrouter.REPLICA] = replica_database(
            pair.standby.url, default.settings_dict
        )
        connections.configure_settings(connections.settings)  # Django's defaults for it
        router = override_settings(DATABASE_ROUTERS=["grassroots.core.dbrouter.ReplicaRouter"])
        router.enable()
        try:
            ContentType.objects.clear_cache()
            yield build_town()
        finally:
            router.disable()
            for alias in (dbrouter.REPLICA, DEFAULT_DB_ALIAS):
                connections[alias].close()
            del connections[dbrouter.REPLICA]
            del connections.settings[dbrouter.REPLICA]
            default.settings_dict.clear()
            default.settings_dict.update(saved)
            ContentType.objects.clear_cache()
            dbrouter.Outage.forget()


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def listed(client: Client, alliance_id: int) -> bool:
    """Whether the alliance list (a marked page) links to the alliance: its row is there."""
    response = client.get(reverse("alliances:list"))
    assert response.status_code == 200
    return reverse("alliances:alliance", args=[alliance_id]) in response.content.decode()


def in_recovery(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return bool(cursor.fetchone()[0])


def test_marked_pages_are_served_by_the_standby(pair: Pair, site: Town) -> None:
    assert in_recovery(dbrouter.REPLICA) and not in_recovery(DEFAULT_DB_ALIAS)
    alice = signed_in(site.alice)
    for url, table in (
        (reverse("alliances:list"), "alliances_alliance"),
        (reverse("dashboards:cockpit"), "grid_place"),
        (reverse("alliances:export"), "alliances_alliance"),
    ):
        with CaptureQueriesContext(connections[dbrouter.REPLICA]) as replica:
            response = alice.get(url)
        assert response.status_code == 200, url
        assert any(table in q["sql"] for q in replica.captured_queries), url
    # The export wrote its audit row (a service call) on the primary: alice is pinned now.
    assert dbrouter.PIN_COOKIE in response.cookies
    with CaptureQueriesContext(connections[dbrouter.REPLICA]) as replica:
        assert signed_in(site.sam).get(reverse("alliances:alliance_new")).status_code == 200
    assert len(replica) == 0  # a page that is not marked reads the primary


def test_the_standby_shows_a_row_once_it_has_replayed_it(pair: Pair, site: Town) -> None:
    sam = signed_in(site.sam)
    with pair.replay_paused():
        row = alliances.alliance_create(
            actor=site.root, name="稻花香联盟", kind=AllianceKind.ALLIANCE, lead=site.branch_a
        )
        assert not listed(sam, row.pk)  # the standby has not replayed it yet
        detail = sam.get(reverse("alliances:alliance", args=[row.pk]))
        assert "稻花香联盟" in detail.content.decode()  # an unmarked page reads the primary
    pair.caught_up()
    assert listed(sam, row.pk)


def test_a_users_own_write_pins_them_to_the_primary_until_the_pin_ends(
    pair: Pair, site: Town
) -> None:
    sam, alice = signed_in(site.sam), signed_in(site.alice)
    with pair.replay_paused():
        response = sam.post(
            reverse("alliances:alliance_new"),
            {"name": "明月村结对共建", "kind": "joint_building", "lead": site.branch_a.pk},
        )
        assert response.status_code == 302 and dbrouter.PIN_COOKIE in response.cookies
        row = Alliance.objects.get(name="明月村结对共建")
        assert response["Location"] == reverse("alliances:alliance", args=[row.pk])
        assert not Alliance.objects.using(dbrouter.REPLICA).filter(pk=row.pk).exists()
        assert listed(sam, row.pk)  # pinned: the primary answers
        assert not listed(alice, row.pk)  # not pinned: the standby answers
        clock.advance(dt.timedelta(seconds=settings.REPLICA_PIN_SECONDS + 1))
        assert not listed(sam, row.pk)  # the pin has ended
    pair.caught_up()
    assert listed(sam, row.pk)


def test_transactions_writes_and_the_worker_read_the_primary(pair: Pair, site: Town) -> None:
    assert Alliance.objects.all().db == DEFAULT_DB_ALIAS  # outside a request: the worker
    with dbrouter.replica_reads():
        assert Alliance.objects.all().db == dbrouter.REPLICA
        with transaction.atomic():
            assert Alliance.objects.all().db == DEFAULT_DB_ALIAS
        assert Alliance.objects.all().db == dbrouter.REPLICA
        alliances.alliance_create(
            actor=site.root, name="写后读联盟", kind=AllianceKind.ALLIANCE, lead=site.branch_a
        )
        assert Alliance.objects.all().db == DEFAULT_DB_ALIAS  # this block wrote
        assert Alliance.objects.filter(name="写后读联盟").exists()


def test_a_stopped_standby_falls_back_to_the_primary_with_one_warning(
    pair: Pair, site: Town, caplog: pytest.LogCaptureFixture
) -> None:
    pair.caught_up()
    pair.sql(pair.standby, "SELECT pg_wal_replay_pause()")
    row = alliances.alliance_create(  # on the primary only: the standby never replays it
        actor=site.root, name="断线联盟", kind=AllianceKind.ALLIANCE, lead=site.branch_a
    )
    pair.standby.stop()
    sam = signed_in(site.sam)
    with caplog.at_level(logging.WARNING, logger="grassroots.core.dbrouter"):
        assert listed(sam, row.pk)
        assert signed_in(site.alice).get(reverse("dashboards:cockpit")).status_code == 200
        assert listed(sam, row.pk)
    warnings = [r.getMessage() for r in caplog.records if r.name == "grassroots.core.dbrouter"]
    assert len(warnings) == 1 and "read replica unavailable" in warnings[0]
