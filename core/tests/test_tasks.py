"""core.tasks: enqueued after the commit, once while a run with the same arguments waits."""

import pytest
from django.db import transaction
from django.test import override_settings
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from core.tasks import enqueue_on_commit, enqueue_once, waiting

RAN: list = []


@task()
def remember(value):
    RAN.append(value)


DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _clean():
    RAN.clear()


@pytest.mark.django_db(transaction=True)
def test_nothing_is_enqueued_by_a_rolled_back_transaction():
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(remember, 1)
        raise RuntimeError
    assert RAN == []
    with transaction.atomic():
        enqueue_on_commit(remember, 2)
        assert RAN == []  # not before the commit
    assert RAN == [2]


@pytest.mark.django_db(transaction=True)
def test_a_waiting_run_with_the_same_arguments_takes_the_place_of_a_new_one():
    with override_settings(TASKS=DB_TASKS):  # django-tasks resets its backends on the setting's change
        for _ in range(3):
            with transaction.atomic():
                enqueue_once(remember, "overview")
        with transaction.atomic():
            enqueue_once(remember, "dashboard")
        assert DBTaskResult.objects.ready().count() == 2
        assert waiting(remember, "overview") and not waiting(remember, "ranking")
    assert RAN == []  # the worker runs them, not the request
