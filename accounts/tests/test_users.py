from accounts.models import User
from core import testing
from core.testing import make_user

_counter = iter(range(1, 10_000))


def new_user(unit):
    n = next(_counter)
    return make_user(f"kituser{n:04d}", None, unit, full_name=f"测试用户{n:04d}号")


class UserViewTests(testing.StandardViewTests):
    model = User
    role = "sysadmin"
    edit_changes = {"title": "科长"}
    bulk_changes = {"title": "副科长"}

    def make_object(self, unit):
        return new_user(unit)

    def form_data(self):
        n = next(_counter)
        return {
            "username": f"newuser{n}",
            "full_name": "王芳",
            "unit": self.tree.dept_a.pk,
            "title": "科员",
            "is_active": "on",
            "password": "Xinyuan-2026-ab",
            "phone": "13800138000",
        }

    def import_csv(self):
        rows = ["用户名,姓名,单位代码,职务,电子邮箱", "liuyang01,刘洋,990001-CZ,科员,", "chenjing,陈静,990001,副科长,"]
        return ("\n".join(rows) + "\n").encode("utf-8")

    def test_created_user_phone_is_encrypted(self):
        self.login()
        data = self.form_data()
        self.client.post(self.url("add"), data)
        user = User.objects.get(username=data["username"])
        self.assertEqual(user.phone, "13800138000")
        self.assertNotIn("13800138000", user.phone_encrypted)

    def test_personal_data_masked_for_viewers(self):
        self.inside.phone = "13912345678"
        self.inside.save()
        self.login(self.viewer)
        testing.grant(self.viewer, "liaison", self.tree.county_a)
        body = self.client.get(self.detail_url(self.inside)).content.decode()
        self.assertIn("139****5678", body)
        self.assertNotIn("13912345678", body)
        self.login()
        self.assertIn("13912345678", self.client.get(self.detail_url(self.inside)).content.decode())

    def test_imported_users_cannot_log_in_yet(self):
        self.test_import_validates_then_commits()
        self.assertFalse(User.objects.get(username="liuyang01").has_usable_password())


class UserAPITests(testing.StandardAPITests):
    model = User
    role = "sysadmin"
    api_basename = "user"
    api_changes = {"title": "科长"}

    def make_object(self, unit):
        return new_user(unit)

    def api_create_data(self):
        n = next(_counter)
        return {"username": f"apiuser{n}", "full_name": "赵磊", "unit": self.tree.dept_a.pk}
