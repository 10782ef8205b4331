from django.urls import path

from core.views import audit, calendar, focus, home, imports, notifications, roles, search, units

app_name = "core"

urlpatterns = [
    path("", home.home, name="home"),
    path("search/", search.search_page, name="search"),
    path("focus/", focus.set_focus, name="set_focus"),
    path("autocomplete/<str:app_label>/<str:model_name>/", search.autocomplete, name="autocomplete"),
    path("org/tree/", units.UnitTreeView.as_view(), name="unit_tree"),
    path("org/tree/<int:pk>/children/", units.UnitTreeView.as_view(), name="unit_tree_children"),
    path("org/units/", units.UnitListView.as_view(), name="unit_list"),
    path("org/units/add/", units.UnitEditView.as_view(), name="unit_add"),
    path("org/units/import/", units.UnitImportView.as_view(), name="unit_import"),
    path("org/units/delete/", units.UnitBulkDeleteView.as_view(), name="unit_bulk_delete"),
    path("org/units/edit/", units.UnitBulkEditView.as_view(), name="unit_bulk_edit"),
    path("org/units/<int:pk>/", units.UnitView.as_view(), name="unit"),
    path("org/units/<int:pk>/edit/", units.UnitEditView.as_view(), name="unit_edit"),
    path("org/units/<int:pk>/move/", units.UnitMoveView.as_view(), name="unit_move"),
    path("org/units/<int:pk>/delete/", units.UnitDeleteView.as_view(), name="unit_delete"),
    path("security/roles/", roles.RoleListView.as_view(), name="role_list"),
    path("security/assignments/", roles.RoleAssignmentListView.as_view(), name="roleassignment_list"),
    path("security/assignments/add/", roles.RoleAssignmentEditView.as_view(), name="roleassignment_add"),
    path(
        "security/assignments/<int:pk>/delete/", roles.RoleAssignmentDeleteView.as_view(), name="roleassignment_delete"
    ),
    path("settings/calendar/", calendar.CalendarDayListView.as_view(), name="calendarday_list"),
    path("settings/calendar/add/", calendar.CalendarDayEditView.as_view(), name="calendarday_add"),
    path("settings/calendar/import/", calendar.CalendarDayImportView.as_view(), name="calendarday_import"),
    path("settings/calendar/years/", calendar.CalendarYearLoadView.as_view(), name="calendaryear_load"),
    path("settings/calendar/<int:pk>/", calendar.CalendarDayEditView.as_view(), name="calendarday_edit"),
    path("settings/calendar/<int:pk>/delete/", calendar.CalendarDayDeleteView.as_view(), name="calendarday_delete"),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/read/", notifications.notification_read_all, name="notification_read_all"),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification_open"),
    path("files/<int:pk>/", notifications.attachment, name="attachment"),
    path("imports/<str:token>/status/", imports.import_status, name="import_status"),
    path("audit/", audit.AuditListView.as_view(), name="audit_list"),
    path("audit/verify/", audit.AuditVerifyView.as_view(), name="audit_verify"),
]
