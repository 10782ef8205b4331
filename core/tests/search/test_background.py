"""Tokens segmented in a second process are those of ``tokens``, in order; an import that uses it indexes every row
as a serial one would."""

import threading
import types

import pytest

from core.search import background, tokens


@pytest.fixture(autouse=True)
def threads_of_this_test(monkeypatch):
    """The browser tests leave their driver's idle threads in the process that ran them: the segmenter counts only
    the threads each test starts, as in a fresh process."""
    before = threading.active_count()
    counting = types.SimpleNamespace(active_count=lambda: threading.active_count() - before + 1)
    monkeypatch.setattr(background, "threading", counting)


def test_forked_segmenting_gives_the_same_tokens(monkeypatch):
    monkeypatch.setattr(background, "MIN_ROWS", 10)
    texts = [f"示例县财政局预算管理一体化系统{i} XT-{i:05d}" for i in range(50)] + ["", "數據共享交換平臺"]
    pending = background.tokens_later(texts)
    assert pending.future is not None  # really in a child
    assert pending.result() == [tokens(text) for text in texts]
    assert pending.executor is None  # the child is gone


def test_small_batches_stay_in_the_caller():
    pending = background.tokens_later(["示例县财政局"])
    assert pending.future is None
    assert pending.result() == [tokens("示例县财政局")]


def test_a_failed_child_is_replaced_by_the_caller(monkeypatch):
    monkeypatch.setattr(background, "MIN_ROWS", 1)
    pending = background.tokens_later(["示例县财政局", "人社局"])

    class Broken:
        def result(self):
            raise RuntimeError("child died")

    pending.future.result()  # let the real child finish before replacing it
    pending.future = Broken()
    assert pending.result() == [tokens("示例县财政局"), tokens("人社局")]


@pytest.mark.django_db
def test_a_large_import_is_indexed_like_a_small_one(monkeypatch):
    from core.imports import import_rows
    from core.models import SearchEntry, Unit
    from core.search import registered, search
    from core.testing import build_tree, make_user

    monkeypatch.setattr(background, "MIN_ROWS", 5)
    tree = build_tree()
    cio = make_user("cio_bg", "cio", tree.county_a)
    rows = [
        {
            "name": f"甲县第{i}数据共享中心",
            "code": f"990001-BG{i:02d}",
            "kind": "subunit",
            "parent_id": tree.dept_a.pk,
            "path": tree.dept_a.path + f"{i + 10:04d}",
            "depth": tree.dept_a.depth + 1,
        }
        for i in range(8)
    ]
    units = import_rows(model=Unit, rows=rows, actor=cio)
    spec = registered()["core.unit"]
    entries = dict(SearchEntry.objects.filter(object_type="core.unit").values_list("object_id", "tokens"))
    assert [entries[unit.pk] for unit in units] == [tokens(spec.text_of(unit)) for unit in units]
    assert search(cio, "数据共享中心")[0].total == 8


def test_a_threaded_process_never_forks(monkeypatch):
    """A threaded web worker (gunicorn's gthread) segments in the caller: a fork would copy the locks its other
    threads hold."""
    monkeypatch.setattr(background, "MIN_ROWS", 1)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not background.may_fork()
        pending = background.tokens_later(["示例县财政局", "人社局"])
        assert pending.future is None and pending.executor is None
        assert pending.result() == [tokens("示例县财政局"), tokens("人社局")]
    finally:
        release.set()
        other.join()
    assert background.may_fork()
