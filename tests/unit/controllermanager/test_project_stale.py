"""Stale projects on virtual time: when a project becomes stale, when it is to be deleted, when it is used again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from garden.controllermanager.project_stale import (
    Staleness,
    StaleSettings,
    due,
    evaluate,
    format_time,
    namespaces_in_use,
    parse_time,
)
from tests.fakes.clock import FakeClock

pytestmark = pytest.mark.unit

CREATED = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def judge(clock: FakeClock, before: Staleness, *, in_use: bool = False, **kwargs: Any) -> Staleness:
    return evaluate(
        now=clock.now(),
        created=CREATED,
        last_activity=kwargs.pop("last_activity", None),
        stale_since=before.stale_since,
        auto_delete=before.auto_delete,
        in_use=in_use,
        **kwargs,
    )


def test_a_young_project_is_not_stale() -> None:
    clock = FakeClock(CREATED + 29 * DAY)
    assert not judge(clock, Staleness(None, None)).stale


def test_an_unused_project_becomes_stale_then_gets_a_deletion_date_then_is_due() -> None:
    clock = FakeClock(CREATED + 31 * DAY)
    stale = judge(clock, Staleness(None, None))
    assert stale == Staleness(CREATED + 31 * DAY, None)
    clock.advance(13 * DAY)
    stale = judge(clock, stale)
    assert stale.stale_since == CREATED + 31 * DAY  # stays
    assert stale.auto_delete is None  # within the grace period
    clock.advance(2 * DAY)
    stale = judge(clock, stale)
    assert stale.auto_delete == CREATED + 31 * DAY + 90 * DAY
    assert not due(stale, clock.now())
    clock.set(stale.auto_delete)
    assert due(judge(clock, stale), clock.now())


def test_the_deletion_date_is_never_moved_earlier() -> None:
    clock = FakeClock(CREATED + 100 * DAY)
    later = CREATED + 400 * DAY
    stale = judge(clock, Staleness(CREATED + 50 * DAY, later))
    assert stale.auto_delete == later
    sooner = judge(clock, Staleness(CREATED + 50 * DAY, CREATED + 60 * DAY))
    assert sooner.auto_delete == CREATED + 140 * DAY


def test_without_expiration_stale_projects_are_kept() -> None:
    clock = FakeClock(CREATED + 365 * DAY)
    stale = judge(clock, Staleness(CREATED + 40 * DAY, None), settings=StaleSettings(expiration_days=None))
    assert stale == Staleness(CREATED + 40 * DAY, None)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"in_use": True},
        {"skip": True},
        {"last_activity": CREATED + 80 * DAY},
    ],
)
def test_a_used_project_is_not_stale_again(kwargs: dict[str, Any]) -> None:
    clock = FakeClock(CREATED + 100 * DAY)
    assert judge(clock, Staleness(CREATED + 40 * DAY, CREATED + 130 * DAY), **kwargs) == Staleness(None, None)


def test_activity_longer_ago_than_the_minimum_lifetime_does_not_count() -> None:
    clock = FakeClock(CREATED + 100 * DAY)
    assert judge(clock, Staleness(None, None), last_activity=CREATED + 69 * DAY).stale


def test_the_settings_set_the_thresholds() -> None:
    settings = StaleSettings(minimum_lifetime_days=90, grace_period_days=0, expiration_days=10)
    clock = FakeClock(CREATED + 89 * DAY)
    assert not judge(clock, Staleness(None, None), settings=settings).stale
    clock.advance(2 * DAY)
    assert judge(clock, Staleness(None, None), settings=settings) == Staleness(clock.now(), clock.now() + 10 * DAY)


def obj(kind: str, namespace: str, name: str, **fields: Any) -> dict[str, Any]:
    return {"kind": kind, "metadata": {"name": name, "namespace": namespace}, **fields}


def test_namespaces_in_use() -> None:
    shoots = [
        obj("Shoot", "garden-dev", "web", spec={"secretBindingName": "shared"}),
        obj("Shoot", "garden-ops", "db", spec={"credentialsBindingName": "cb"}),
    ]
    secret_bindings = [
        obj("SecretBinding", "garden-dev", "shared", secretRef={"name": "creds", "namespace": "garden-vault"}),
        obj("SecretBinding", "garden-dev", "unused", secretRef={"name": "c", "namespace": "garden-idle"}),
    ]
    credentials_bindings = [
        obj(
            "CredentialsBinding",
            "garden-ops",
            "cb",
            credentialsRef={"apiVersion": "v1", "kind": "Secret", "name": "c"},
            quotas=[{"name": "q", "namespace": "garden-quotas"}],
        )
    ]
    backup_entries = [obj("BackupEntry", "garden-backup", "entry")]
    used = namespaces_in_use(shoots, backup_entries, secret_bindings, credentials_bindings)
    assert used == {"garden-dev", "garden-ops", "garden-vault", "garden-quotas", "garden-backup"}


def test_times_are_metav1_times() -> None:
    moment = datetime(2026, 3, 1, 8, 30, 15, 999, tzinfo=UTC)
    assert format_time(moment) == "2026-03-01T08:30:15Z"
    assert parse_time("2026-03-01T08:30:15Z") == moment.replace(microsecond=0)
    assert parse_time("yesterday") is None
    assert parse_time(None) is None
