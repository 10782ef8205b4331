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

    def test_personal_data_is_written_by_the_service_and_audited(self):
        """Set on creation and changed on edit: each in the service's transaction, audited by name (never the
        values), not written by the view after the user exists."""
        from core.models import AuditRecord

        self.login()
        data = self.form_data() | {"id_number": "11010519491231002X"}
        self.assertEqual(self.client.post(self.url("add"), data).status_code, 302)
        user = User.objects.get(username=data["username"])
        self.assertEqual((user.phone, user.id_number), ("13800138000", "11010519491231002X"))
        records = AuditRecord.objects.filter(object_id=str(user.pk), event="user.personal_data")
        self.assertEqual(records.get().changes, {"personal_data": ["id_number", "phone"]})
        self.assertNotIn("13800138000", str(list(AuditRecord.objects.values_list("changes", flat=True))))
        edit = self.edit_data(user) | {"phone": "13912345678", "id_number": "11010519491231002X"}
        self.assertEqual(self.client.post(self.url("edit", user.pk), edit).status_code, 302)
        self.assertEqual(records.order_by("seq").last().changes, {"personal_data": ["phone"]})
        self.assertEqual(User.objects.get(pk=user.pk).phone, "13912345678")

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
