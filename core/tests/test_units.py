from core import testing
from core.models import Unit
from core.testing import make_unit

_counter = iter(range(1, 10_000))


def new_subunit(parent):
    n = next(_counter)
    return make_unit(f"测试中心{n}", f"{parent.code}-T{n}", "subunit", parent)


class UnitViewTests(testing.StandardViewTests):
    model = Unit
    namespace = "core"
    edit_changes = {"name": "甲县财政局（更名）"}
    bulk_changes = {"short_name": "中心"}

    def make_object(self, unit):
        return new_subunit(unit)

    def form_data(self):
        n = next(_counter)
        return {"kind": "subunit", "name": f"新中心{n}", "code": f"990001-CZ-N{n}", "parent": self.tree.dept_a.pk}

    def import_csv(self):
        rows = [
            "类型,名称,简称,代码,统一社会信用代码,上级代码",
            "部门,甲县统计局,统计局,990001-TJ,,990001",
            "直属单位,甲县普查中心,,990001-TJ-01,,990001-TJ",
        ]
        return ("\n".join(rows) + "\n").encode("utf-8")


class UnitAPITests(testing.StandardAPITests):
    model = Unit
    api_basename = "unit"
    api_changes = {"short_name": "财政"}

    def make_object(self, unit):
        return new_subunit(unit)

    def api_create_data(self):
        n = next(_counter)
        return {"kind": "subunit", "name": f"接口中心{n}", "code": f"990001-API-{n}", "parent": self.tree.dept_a.pk}
