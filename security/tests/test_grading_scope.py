"""A change to a system's business, data or service scope marks its grading for review (DOMAIN.md §3); changes
that are not scope leave it alone."""

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from core import testing
from core.models import AuditRecord
from core.services import object_delete, object_update, snapshot
from inventory.models import DataResource, ServiceItem
from inventory.services import dataresource_save, serviceitem_save
from security.models import Grading
from security.tests.grading_factories import filed_grading, new_grading, new_system


def update(obj, actor=None, **changes):
    before = snapshot(obj)
    for key, value in changes.items():
        setattr(obj, key, value)
    return object_update(obj=obj, actor=actor, before=before)


def resource(unit, system=None, code="301001/000101") -> DataResource:
    values = {
        "kind": "departmental",
        "item_code": "01",
        "category_code": "001",
        "code": code,
        "name": "城乡居民参保信息",
        "provider": unit,
        "sharing_type": "conditional",
        "sharing_conditions": "仅用于医保待遇核验",
        "system": system,
    }
    return dataresource_save(actor=None, resource=DataResource(**values), items=[("姓名", "string")])


class ScopeChangeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.liaison = testing.make_user("zhao_li", "liaison", cls.tree.dept_a, full_name="赵丽")

    def setUp(self):
        self.grading = filed_grading(self.tree.dept_a, level=3)
        self.system = self.grading.system

    def flagged(self, grading=None) -> Grading:
        return Grading.objects.get(pk=(grading or self.grading).pk)

    def test_purpose_changed_on_the_system_page_marks_review(self):
        self.client.force_login(self.liaison)
        from django.forms.models import model_to_dict

        data = {k: v for k, v in model_to_dict(self.system).items() if v is not None}
        data.update(purpose="新增面向公众的医保网上办理服务", version=self.system.version)
        response = self.client.post(reverse("inventory:system_edit", args=[self.system.pk]), data)
        self.assertEqual(response.status_code, 302)
        grading = self.flagged()
        self.assertTrue(grading.needs_review)
        self.assertIn("purpose", grading.review_reason)
        self.assertIn(timezone.localdate().isoformat(), grading.review_reason)
        record = AuditRecord.objects.get(event="grading.review_needed", object_id=str(grading.pk))
        self.assertEqual(record.actor_id, self.liaison.pk)

    def test_each_scope_field_marks_review(self):
        for field, value in (("user_scope", "both"), ("network", "internet"), ("data_class", "core")):
            with self.subTest(field=field):
                grading = filed_grading(self.tree.dept_a, level=3)
                update(grading.system, **{field: value})
                self.assertTrue(self.flagged(grading).needs_review)

    def test_user_count_marks_review_only_by_an_order_of_magnitude(self):
        update(self.system, user_count=4100)
        self.assertFalse(self.flagged().needs_review)
        update(self.system, user_count=41000)
        self.assertTrue(self.flagged().needs_review)

    def test_other_changes_are_not_scope(self):
        update(self.system, hosting="machine_room", vendor="示例软件有限公司", tech_database="达梦 DM8")
        self.assertFalse(self.flagged().needs_review)

    def test_a_resource_added_moved_or_deleted_marks_review(self):
        other = filed_grading(self.tree.dept_a, level=2)
        held = resource(self.tree.dept_a, system=self.system)
        self.assertTrue(self.flagged().needs_review)
        Grading.objects.update(needs_review=False, review_reason="")
        update(held, system=other.system)
        self.assertTrue(self.flagged().needs_review)
        self.assertTrue(self.flagged(other).needs_review)
        Grading.objects.update(needs_review=False, review_reason="")
        object_delete(obj=DataResource.objects.get(pk=held.pk), actor=None)
        self.assertTrue(self.flagged(other).needs_review)
        self.assertFalse(self.flagged().needs_review)

    def test_a_resource_without_system_marks_nothing(self):
        resource(self.tree.dept_a, system=None)
        self.assertFalse(self.flagged().needs_review)

    def test_service_items_added_removed_or_deleted_mark_review(self):
        item = serviceitem_save(
            actor=None,
            item=ServiceItem(name="城乡居民医保参保登记", code="FW-0001", unit=self.tree.dept_a),
            systems=[self.system],
        )
        self.assertTrue(self.flagged().needs_review)
        Grading.objects.update(needs_review=False, review_reason="")
        serviceitem_save(actor=None, item=item, systems=[], before=snapshot(item))
        self.assertTrue(self.flagged().needs_review)
        Grading.objects.update(needs_review=False, review_reason="")
        item.systems.add(self.system)
        Grading.objects.update(needs_review=False, review_reason="")
        object_delete(obj=item, actor=None)
        self.assertTrue(self.flagged().needs_review)
        self.assertIn("deleted", self.flagged().review_reason)

    def test_a_draft_grading_is_marked_too_and_reasons_are_not_repeated(self):
        draft = new_grading(system=new_system(self.tree.dept_a), level=2)
        update(draft.system, purpose="一")
        update(Grading.objects.get(pk=draft.pk).system, purpose="二")
        reasons = self.flagged(draft).review_reason.splitlines()
        self.assertEqual(len(reasons), 1)

    def test_list_filter_and_detail_show_the_mark(self):
        update(self.system, network="internet")
        cio = testing.make_user("wang_fang", "cio", self.tree.county_a, full_name="王芳")
        self.client.force_login(cio)
        body = self.client.get(reverse("security:grading_list"), {"needs_review": "yes"}).content.decode()
        self.assertIn(self.grading.get_absolute_url(), body)
        body = self.client.get(self.grading.get_absolute_url()).content.decode()
        self.assertIn('id="review-reason"', body)
