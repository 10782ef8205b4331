import pytest

from accounts.models import User
from core.models import Role, RoleAssignment, Unit
from core.search import registry


@pytest.fixture
def unit_search():
    """Units searchable by name, short name and code, for the duration of one test."""
    saved = registry.registered()
    registry._specs.clear()
    spec = registry.register(Unit, fields=["name", "short_name", "code"], url=lambda unit: f"/units/{unit.pk}/")
    yield spec
    registry._specs.clear()
    registry._specs.update(saved)


def make_unit(name, code, path, parent=None, kind=None, **fields):
    return Unit.objects.create(
        kind=kind or ("county" if parent is None else "department"),
        name=name,
        code=code,
        path=path,
        depth=len(path) // 4,
        parent=parent,
        **fields,
    )


def make_user(username, unit=None, include_descendants=True, role="cio"):
    user = User.objects.create_user(username=username, password=None)
    if unit is not None:
        RoleAssignment.objects.create(
            user=user, role=Role.objects.get(code=role), unit=unit, include_descendants=include_descendants
        )
    return user


@pytest.fixture
def tree(db, unit_search):
    """Two counties, each a root with departments under it, all indexed."""
    county = make_unit("示例县", "330122", "0001", short_name="OA")
    other = make_unit("另一县", "330127", "0002")
    units = {
        "county": county,
        "bigdata": make_unit("政务服务和大数据管理局", "330122001", "00010001", county),
        "finance": make_unit("示例县财政局", "330122002", "00010002", county),
        "info": make_unit("示例县资讯中心", "330122003", "00010003", county),
        "other": other,
        "other_data": make_unit("另一县大数据局", "330127001", "00020001", other),
        "other_finance": make_unit("另一县财政局", "330127002", "00020002", other),
    }
    registry.index_many(Unit.objects.all())
    return units


@pytest.fixture
def cio(tree):
    """The CIO of 示例县 and everything under it."""
    return make_user("cio", tree["county"])


def titles(groups):
    return sorted(hit.title for group in groups for hit in group.hits)
