import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from core.models import Role, RoleAssignment, SearchEntry, Unit
from core.search import index_many, index_object, rebuild, registry, remove_object, search

from .conftest import make_unit, titles


def entry(unit):
    return SearchEntry.objects.get(object_type="core.unit", object_id=unit.pk)


def test_index_object_writes_the_row(tree):
    row = entry(tree["finance"])
    assert (row.unit_path, row.title, row.url) == ("00010002", "示例县财政局", f"/units/{tree['finance'].pk}/")
    # jieba's words, then the bigrams and trigrams that are not already words.
    assert row.tokens == "示例 县 财政 政局 财政局 330122002 例县 县财 330 301 012 122 220 200 002"


def test_update_replaces_the_tokens(cio, tree):
    unit = tree["finance"]
    unit.name = "示例县财政和税务局"
    unit.save()
    index_object(unit)
    assert SearchEntry.objects.filter(object_type="core.unit", object_id=unit.pk).count() == 1
    assert titles(search(cio, "税务")) == ["示例县财政和税务局"]
    assert search(cio, "财政局") == []


def test_remove_object(cio, tree):
    unit = tree["finance"]
    remove_object(unit)
    assert search(cio, "财政") == []
    unit.delete()
    with pytest.raises(ValueError):
        remove_object(unit)


def test_indexing_rolls_back_with_the_callers_transaction(cio, tree):
    unit = make_unit("回滚测试中心", "330122099", "00010099", tree["county"])
    with pytest.raises(RuntimeError), transaction.atomic():
        index_object(unit)
        assert titles(search(cio, "回滚")) == ["回滚测试中心"]
        raise RuntimeError
    assert search(cio, "回滚") == []
    assert not SearchEntry.objects.filter(object_id=unit.pk).exists()


def test_unregistered_objects_are_ignored(tree):
    before = SearchEntry.objects.count()
    index_object(Role.objects.first())
    assert index_many(Role.objects.all()) == 0
    assert SearchEntry.objects.count() == before


def test_register_twice_is_an_error(unit_search):
    with pytest.raises(ValueError):
        registry.register(Unit, fields=["name"])


@pytest.mark.parametrize("fields", [["nmae"], ["include_descendants__x"], ["unit__nmae"], ["unit__children__name"]])
def test_register_checks_the_fields(fields):
    with pytest.raises(ValueError, match="field|many-valued"):
        registry.register(RoleAssignment, fields=fields)
    assert "core.roleassignment" not in registry.registered()


def test_fields_may_follow_foreign_keys(unit_search, tree):
    registry.unregister(Unit)
    spec = registry.register(Unit, fields=["name", "parent__name", "line_parent"], url=lambda unit: "/")
    assert spec.related() == ["line_parent", "parent"]
    index_object(tree["finance"])
    assert entry(tree["finance"]).tokens == "示例 县 财政 政局 财政局 示例 县 例县 县财"


def test_rebuild_repairs_the_index(cio, tree, monkeypatch):
    monkeypatch.setattr(registry, "CHUNK", 2)  # several pages
    entry(tree["finance"]).delete()
    SearchEntry.objects.filter(object_id=tree["info"].pk).update(tokens="错误")
    SearchEntry.objects.create(object_type="core.unit", object_id=999999, unit_path="0001", title="已删除", url="/")
    SearchEntry.objects.create(object_type="gone.model", object_id=1, unit_path="0001", title="旧类型", url="/")
    out = io.StringIO()
    assert rebuild(stdout=out) == {"core.unit": 7}
    assert "core.unit: 7 entries" in out.getvalue()
    assert SearchEntry.objects.count() == 7
    assert titles(search(cio, "财政局")) == ["示例县财政局"]
    assert titles(search(cio, "资讯")) == ["示例县资讯中心"]
    assert search(cio, "错误") == []
    assert search(cio, "已删除") == []


def test_rebuild_one_model(tree):
    SearchEntry.objects.all().delete()
    assert rebuild(Unit) == {"core.unit": 7}
    with pytest.raises(LookupError):
        rebuild(Role)


def test_rebuild_follows_unit_moves(cio, tree):
    Unit.objects.filter(pk=tree["other_finance"].pk).update(path="00010005")
    rebuild()
    assert titles(search(cio, "财政局")) == ["另一县财政局", "示例县财政局"]


def test_search_rebuild_command(tree):
    SearchEntry.objects.all().delete()
    out = io.StringIO()
    call_command("search_rebuild", stdout=out)
    assert "Indexed 7 objects of 1 models" in out.getvalue()
    assert SearchEntry.objects.count() == 7
    call_command("search_rebuild", "--model", "core.unit", stdout=out)
    with pytest.raises(CommandError):
        call_command("search_rebuild", "--model", "core.role")
    with pytest.raises(CommandError):
        call_command("search_rebuild", "--model", "nope")
