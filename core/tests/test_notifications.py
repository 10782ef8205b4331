"""Notifications: idempotent per key, private to their recipient, opened through a safe redirect."""

from django.test import TestCase
from django.urls import reverse

from core import notify, testing
from core.models import Notification


class NotificationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.alice = testing.make_user("zhang_min", "cio", cls.tree.county_a, full_name="张敏")
        cls.bob = testing.make_user("li_qiang", "liaison", cls.tree.dept_a, full_name="李强")

    def test_same_key_is_sent_once(self):
        key = "security.grading:1:overdue"
        self.assertEqual(notify.notify([self.alice, self.bob], key=key, title="定级备案已逾期"), 2)
        self.assertEqual(notify.notify([self.alice], key=key, title="定级备案已逾期"), 0)
        self.assertEqual(Notification.objects.filter(key=key).count(), 2)

    def test_inactive_users_are_skipped(self):
        self.bob.is_active = False
        self.bob.save()
        self.assertEqual(notify.notify([self.bob, None], key="k", title="t"), 0)

    def test_list_shows_only_my_own(self):
        notify.notify([self.alice], key="a", title="甲县财政局预算系统测评即将到期")
        notify.notify([self.bob], key="b", title="只给李强的提醒")
        self.client.force_login(self.alice)
        page = self.client.get(reverse("core:notification_list")).content.decode()
        self.assertIn("甲县财政局预算系统测评即将到期", page)
        self.assertNotIn("只给李强的提醒", page)
        self.assertIn('id="notification-count"', page)

    def test_open_marks_read_and_redirects_inside_the_site(self):
        notify.notify([self.alice], key="a", title="t", url="/security/")
        notify.notify([self.alice], key="b", title="t", url="https://evil.example.com/")
        inside, outside = Notification.objects.filter(recipient=self.alice).order_by("key")
        self.client.force_login(self.alice)
        response = self.client.get(reverse("core:notification_open", args=[inside.pk]))
        self.assertEqual(response["Location"], "/security/")
        response = self.client.get(reverse("core:notification_open", args=[outside.pk]))
        self.assertEqual(response["Location"], reverse("core:notification_list"))
        self.assertEqual(notify.unread_count(self.alice), 0)

    def test_someone_elses_notification_is_404(self):
        notify.notify([self.bob], key="b", title="t")
        note = Notification.objects.get(recipient=self.bob)
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get(reverse("core:notification_open", args=[note.pk])).status_code, 404)
        self.assertIsNone(Notification.objects.get(pk=note.pk).read_at)

    def test_mark_all_read(self):
        notify.notify([self.alice], key="a", title="t")
        notify.notify([self.alice], key="b", title="t")
        self.client.force_login(self.alice)
        self.client.post(reverse("core:notification_read_all"))
        self.assertEqual(notify.unread_count(self.alice), 0)
